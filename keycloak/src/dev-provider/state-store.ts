/**
 * oidc-provider's storage (sessions, grants, codes, refresh tokens, interactions) for the
 * development provider: an in-memory map that is written to `<dataDir>/state.json` shortly
 * after each change, so a restart keeps everyone signed in and refresh tokens working.
 *
 * Development scale (a few hundred entries): lookups by uid and grant scan the map rather than
 * keep secondary indexes, which keeps this small and obviously correct.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

import { readJson, writeJsonAtomic } from './files.ts';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; null = does not expire. */
  expiresAt: number | null;
}

/** Models whose entries belong to a grant and go when the grant is revoked. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'ClientCredentials']);

const WRITE_DELAY_MS = 50;

export class DevStateStore {
  readonly #file: string | null;
  readonly #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;

  constructor(dataDir: string | null) {
    this.#file = dataDir ? `${dataDir}/state.json` : null;
    const stored = this.#file ? readJson<Array<[string, Entry]>>(this.#file) : undefined;
    const now = Date.now();
    for (const [key, entry] of stored ?? []) {
      if (entry.expiresAt === null || entry.expiresAt > now) this.#entries.set(key, entry);
    }
  }

  /** An oidc-provider adapter factory over this store. */
  adapterFactory(): (model: string) => Adapter {
    return (model) => new StoreAdapter(this, model);
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return structuredClone(entry.payload);
  }

  set(key: string, payload: AdapterPayload, expiresInSeconds: number | undefined): void {
    const expiresAt = typeof expiresInSeconds === 'number' ? Date.now() + expiresInSeconds * 1000 : null;
    this.#entries.set(key, { payload: structuredClone(payload), expiresAt });
    this.#changed();
  }

  update(key: string, change: (payload: AdapterPayload) => void): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    change(entry.payload);
    this.#changed();
  }

  delete(key: string): void {
    if (this.#entries.delete(key)) this.#changed();
  }

  /** First live entry of `model` whose payload satisfies `match`. */
  findKey(model: string, match: (payload: AdapterPayload) => boolean): string | undefined {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (!key.startsWith(`${model}:`)) continue;
      if (entry.expiresAt !== null && entry.expiresAt <= now) continue;
      if (match(entry.payload)) return key;
    }
    return undefined;
  }

  revokeGrant(grantId: string): void {
    for (const [key, entry] of this.#entries) {
      const model = key.slice(0, key.indexOf(':'));
      if (GRANTABLE.has(model) && entry.payload.grantId === grantId) this.#entries.delete(key);
    }
    this.#changed();
  }

  /** Writes pending changes now (called on close). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#file) return;
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.#entries.delete(key);
    }
    writeJsonAtomic(this.#file, [...this.#entries]);
  }

  #changed(): void {
    if (!this.#file || this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
    this.#timer.unref();
  }
}

class StoreAdapter implements Adapter {
  readonly #store: DevStateStore;
  readonly #model: string;

  constructor(store: DevStateStore, model: string) {
    this.#store = store;
    this.#model = model;
  }

  #key(id: string): string {
    return `${this.#model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.#store.set(this.#key(id), payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#store.get(this.#key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const key = this.#store.findKey(this.#model, (payload) => payload.uid === uid);
    return key ? this.#store.get(key) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const key = this.#store.findKey(this.#model, (payload) => payload.userCode === userCode);
    return key ? this.#store.get(key) : undefined;
  }

  async consume(id: string): Promise<void> {
    if (this.#model === 'RefreshToken') {
      // Keycloak (revokeRefreshToken, refreshTokenMaxReuse 0) rejects a used refresh token but
      // keeps the session and the tokens issued in its place. oidc-provider would revoke the
      // whole grant on reuse of a token it finds marked consumed; one it cannot find is merely
      // invalid, which is Keycloak's behaviour.
      this.#store.delete(this.#key(id));
      return;
    }
    this.#store.update(this.#key(id), (payload) => {
      payload.consumed = Math.floor(Date.now() / 1000);
    });
  }

  async destroy(id: string): Promise<void> {
    this.#store.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.#store.revokeGrant(grantId);
  }
}
