/**
 * The development provider's keys: RS256 signing keys (current first, previous ones kept in
 * the JWKS so tokens signed before a rotation still verify) and the cookie-signing keys.
 * Persisted to `<dataDir>/keys.json` so that a restart keeps issued tokens and browser
 * sessions valid; `dataDir: null` keeps them in memory only.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { calculateJwkThumbprint, type JWK } from 'jose';

import { readJson, writeJsonAtomic } from './files.ts';

const generateRsaKeyPair = promisify(generateKeyPair);

/** Current key plus the two before it: enough for tokens issued before the last rotations. */
export const MAX_SIGNING_KEYS = 3;

interface KeysFile {
  signing: JWK[];
  cookies: string[];
}

export class DevKeyStore {
  #file: string | null;
  #keys: KeysFile;

  private constructor(file: string | null, keys: KeysFile) {
    this.#file = file;
    this.#keys = keys;
  }

  /** Loads `<dataDir>/keys.json`, creating it (one signing key, one cookie key) when absent. */
  static async open(dataDir: string | null): Promise<DevKeyStore> {
    const file = dataDir ? `${dataDir}/keys.json` : null;
    const stored = file ? readJson<KeysFile>(file) : undefined;
    if (stored && Array.isArray(stored.signing) && stored.signing.length > 0 && Array.isArray(stored.cookies)) {
      return new DevKeyStore(file, stored);
    }
    const store = new DevKeyStore(file, { signing: [await newSigningKey()], cookies: [randomBytes(32).toString('base64url')] });
    store.#save();
    return store;
  }

  /** Private JWKs, the signing key first (oidc-provider signs with the first matching key). */
  get signingKeys(): JWK[] {
    return structuredClone(this.#keys.signing);
  }

  get currentKid(): string {
    return this.#keys.signing[0]!.kid!;
  }

  get cookieKeys(): string[] {
    return [...this.#keys.cookies];
  }

  /** The public JWKS (what `/protocol/openid-connect/certs` serves). */
  publicJwks(): { keys: JWK[] } {
    return {
      keys: this.#keys.signing.map(({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use })),
    };
  }

  /** Generates a new signing key, puts it first, keeps the previous ones for verification. */
  async rotate(): Promise<string> {
    const key = await newSigningKey();
    this.#keys.signing = [key, ...this.#keys.signing].slice(0, MAX_SIGNING_KEYS);
    this.#save();
    return key.kid!;
  }

  #save(): void {
    if (this.#file) writeJsonAtomic(this.#file, this.#keys, 0o600);
  }
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n!, e: jwk.e! });
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}
