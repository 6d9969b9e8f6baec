import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Secrets for the embedded default, generated on first start and kept under ./.data so that a
 * restart keeps sessions valid. Production never uses these: it takes every secret from .env.
 */
export interface DevSecrets {
  NEXTAUTH_SECRET: string;
  SHELL_CLIENT_SECRET: string;
  ORCHESTRATOR_CLIENT_SECRET: string;
}

export function loadDevSecrets(file: string): DevSecrets {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (saved.NEXTAUTH_SECRET && saved.SHELL_CLIENT_SECRET && saved.ORCHESTRATOR_CLIENT_SECRET) return saved as DevSecrets;
  } catch {
    // first start
  }
  const secrets: DevSecrets = {
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    SHELL_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    ORCHESTRATOR_CLIENT_SECRET: randomBytes(24).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
