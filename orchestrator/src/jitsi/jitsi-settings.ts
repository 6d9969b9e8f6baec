import type { Config } from '../config/env.ts';
import { AppError } from '../http/app-error.ts';

/**
 * What minting meeting tokens needs, derived once from the environment; null when Jitsi is not
 * configured, and callers answer 503 naming the variables instead of failing later.
 */
export interface JitsiSettings {
  /** Public base URL of Jitsi Meet (https://meet.example.com). */
  baseUrl: string;
  /** host[:port], what the IFrame API calls `domain`. */
  domain: string;
  appId: string;
  appSecret: string;
  audience: string;
  tokenTtlSeconds: number;
}

export function jitsiSettings(config: Config): JitsiSettings | null {
  if (!config.JITSI_URL || !config.JITSI_APP_ID || !config.JITSI_APP_SECRET) return null;
  const url = new URL(config.JITSI_URL);
  return {
    baseUrl: config.JITSI_URL.replace(/\/+$/, ''),
    domain: url.host,
    appId: config.JITSI_APP_ID,
    appSecret: config.JITSI_APP_SECRET,
    audience: config.JITSI_TOKEN_AUDIENCE ?? config.JITSI_APP_ID,
    tokenTtlSeconds: config.JITSI_TOKEN_TTL_SECONDS,
  };
}

export function jitsiNotConfigured(): AppError {
  return new AppError('service_unavailable', 'video consultations are not connected: set JITSI_URL, JITSI_APP_ID and JITSI_APP_SECRET', {
    details: { missing: ['JITSI_URL', 'JITSI_APP_ID', 'JITSI_APP_SECRET'] },
  });
}

export function requireJitsi(config: Config): JitsiSettings {
  const settings = jitsiSettings(config);
  if (!settings) throw jitsiNotConfigured();
  return settings;
}
