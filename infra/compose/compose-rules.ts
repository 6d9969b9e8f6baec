import { parse } from 'yaml';

/**
 * The rules docker-compose.yml keeps (issue 7), as plain functions over the parsed file: each
 * returns the list of violations, so a test can show both that the real file has none and that
 * a broken file is caught.
 */

export interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}

export interface DependsOnCondition {
  condition?: string;
}

export interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  healthcheck?: Healthcheck;
  depends_on?: string[] | Record<string, DependsOnCondition>;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  networks?: string[] | Record<string, unknown>;
  command?: string | string[];
  entrypoint?: string | string[];
}

export interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
}

/** Parses a compose file as Compose does: YAML 1.1 merge keys (`<<: *anchor`) included. */
export function parseCompose(text: string): ComposeFile {
  const parsed = parse(text, { merge: true, maxAliasCount: -1 }) as ComposeFile | null;
  if (!parsed || typeof parsed !== 'object' || !parsed.services) throw new Error('not a compose file: no services');
  return parsed;
}

/** One-shot services run to completion (restart "no"); everything else runs for good. */
export function isOneShot(service: Service): boolean {
  return service.restart === 'no';
}

export function environmentOf(service: Service): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const at = entry.indexOf('=');
      if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
      else env[entry] = '';
    }
  } else if (service.environment) {
    for (const [key, value] of Object.entries(service.environment)) env[key] = value === null ? '' : String(value);
  }
  return env;
}

export function envFilesOf(service: Service): string[] {
  if (!service.env_file) return [];
  return Array.isArray(service.env_file) ? service.env_file : [service.env_file];
}

/** What the container gets: its env files, then `environment` on top (as Compose merges). */
export function effectiveEnvironment(service: Service, readEnvFile: (path: string) => string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const path of envFilesOf(service)) for (const [key, value] of parseEnvFile(readEnvFile(path))) env[key] = value;
  return { ...env, ...environmentOf(service) };
}

const variablePattern = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

export interface VariableUse {
  name: string;
  /** `:?` / `?`: Compose refuses to start when the variable is empty or unset. */
  required: boolean;
}

/** Every `${VAR}` interpolation in a compose file's text (`$${...}` is an escaped dollar). */
export function interpolatedVariables(text: string): VariableUse[] {
  const uses = new Map<string, VariableUse>();
  for (const match of text.matchAll(variablePattern)) {
    const name = match[1] as string;
    const required = (match[2] ?? '').endsWith('?');
    const known = uses.get(name);
    uses.set(name, { name, required: required || (known?.required ?? false) });
  }
  return [...uses.values()];
}

/** `repo[:tag]` with an optional registry host:port in front. */
export function imageTag(image: string): string | undefined {
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : image.slice(colon + 1).split('@')[0];
}

/** Third-party images carry an exact version tag; images built here carry a `build` section. */
export function unpinnedImages(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    if (!service.image) {
      if (!service.build) problems.push(`${name}: neither image nor build`);
      continue;
    }
    if (service.build || builtBy(compose, service.image)) continue;
    const tag = imageTag(service.image);
    if (!tag) problems.push(`${name}: ${service.image} has no tag`);
    else if (/^(latest|stable|unstable|edge|nightly|main|master|develop)$/i.test(tag)) problems.push(`${name}: ${service.image} uses a moving tag`);
    else if (!/\d/.test(tag)) problems.push(`${name}: ${service.image} tag names no version`);
  }
  return problems;
}

function builtBy(compose: ComposeFile, image: string): boolean {
  return Object.values(compose.services).some((other) => other.build && other.image === image);
}

export function missingHealthchecks(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    if (isOneShot(service)) continue;
    const test = service.healthcheck?.test;
    if (!test || service.healthcheck?.disable || (Array.isArray(test) && (test.length < 2 || test[0] === 'NONE'))) {
      problems.push(`${name}: long-running service without a healthcheck`);
    }
  }
  return problems;
}

export function badRestartPolicies(compose: ComposeFile): string[] {
  const allowed = new Set(['no', 'always', 'unless-stopped', 'on-failure']);
  return Object.entries(compose.services)
    .filter(([, service]) => !service.restart || !allowed.has(service.restart))
    .map(([name, service]) => `${name}: restart policy ${JSON.stringify(service.restart ?? null)}`);
}

/** depends_on waits for health (long-running) or successful completion (one-shots). */
export function badDependencies(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const dependsOn = service.depends_on;
    if (!dependsOn) continue;
    if (Array.isArray(dependsOn)) {
      problems.push(`${name}: depends_on without conditions`);
      continue;
    }
    for (const [target, { condition }] of Object.entries(dependsOn)) {
      const dependency = compose.services[target];
      if (!dependency) {
        problems.push(`${name}: depends on unknown service ${target}`);
        continue;
      }
      const expected = isOneShot(dependency) ? 'service_completed_successfully' : 'service_healthy';
      if (condition !== expected) problems.push(`${name} -> ${target}: condition ${condition ?? '(none)'}, expected ${expected}`);
    }
  }
  return problems;
}

export interface Mount {
  service: string;
  kind: 'bind' | 'volume' | 'anonymous';
  source: string;
  target: string;
  readOnly: boolean;
}

export function mountsOf(compose: ComposeFile): Mount[] {
  const mounts: Mount[] = [];
  for (const [service, definition] of Object.entries(compose.services)) {
    for (const entry of definition.volumes ?? []) {
      if (typeof entry !== 'string') {
        const source = entry.source ?? '';
        const kind = entry.type === 'bind' ? 'bind' : source ? 'volume' : 'anonymous';
        mounts.push({ service, kind, source, target: entry.target ?? '', readOnly: false });
        continue;
      }
      const parts = entry.split(':');
      if (parts.length === 1) {
        mounts.push({ service, kind: 'anonymous', source: '', target: entry, readOnly: false });
        continue;
      }
      const [source = '', target = '', mode = ''] = parts;
      const kind = /^[./~]/.test(source) ? 'bind' : 'volume';
      mounts.push({ service, kind, source, target, readOnly: mode.split(',').includes('ro') });
    }
  }
  return mounts;
}

/** Data lives in declared named volumes; configuration comes in read-only. */
export function badMounts(compose: ComposeFile): string[] {
  const declared = new Set(Object.keys(compose.volumes ?? {}));
  const problems: string[] = [];
  for (const mount of mountsOf(compose)) {
    if (mount.kind === 'anonymous') problems.push(`${mount.service}: anonymous volume at ${mount.target}`);
    if (mount.kind === 'volume' && !declared.has(mount.source)) problems.push(`${mount.service}: volume ${mount.source} is not declared`);
    if (mount.kind === 'bind' && !mount.readOnly) problems.push(`${mount.service}: bind mount ${mount.source} is writable`);
  }
  const used = new Set(mountsOf(compose).filter((m) => m.kind === 'volume').map((m) => m.source));
  for (const volume of declared) if (!used.has(volume)) problems.push(`volume ${volume} is declared but unused`);
  return problems;
}

const secretName = /(PASSWORD|SECRET|TOKEN|_KEY$|_KEY_|SALT|(?<!ENABLE_)AUTH$)/;

/** `${NAME:?message with spaces/slashes}` -> `${NAME}`, so URLs can be read as URLs. */
export function withoutDefaults(value: string): string {
  return value.replace(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, '${$1}');
}
const credentialInUrl = /:\/\/[^:/@\s]*:([^@\s]+)@/;

/** Secrets are never written in the file: a secret-named variable or a URL password is `${...}`. */
export function secretLiterals(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [key, raw] of Object.entries(environmentOf(service))) {
      const value = withoutDefaults(raw);
      if (secretName.test(key) && value !== '' && !value.includes('${')) problems.push(`${name}: ${key} is a literal`);
      const password = credentialInUrl.exec(value)?.[1];
      if (password !== undefined && !password.startsWith('${')) problems.push(`${name}: ${key} has a literal password in a URL`);
    }
  }
  return problems;
}

/** Env files hold fixed settings only: a secret belongs in .env, interpolated by Compose. */
export function secretsInEnvFiles(compose: ComposeFile, readEnvFile: (path: string) => string): string[] {
  const problems: string[] = [];
  const files = new Set(Object.values(compose.services).flatMap(envFilesOf));
  for (const path of files) {
    for (const [key, value] of parseEnvFile(readEnvFile(path))) {
      if (secretName.test(key) || credentialInUrl.test(value)) problems.push(`${path}: ${key} looks like a secret`);
    }
  }
  return problems;
}

/**
 * Public URLs are built from WRRK_DOMAIN (.env); plain-HTTP URLs only name services of this
 * file (the private network).
 */
export function hardCodedUrls(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const services = new Set(Object.keys(compose.services));
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [key, raw] of Object.entries(environmentOf(service))) {
      const value = withoutDefaults(raw);
      for (const url of value.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/g) ?? []) {
        const scheme = url.slice(0, url.indexOf(':'));
        if (scheme === 'https') {
          if (!url.includes('${WRRK_DOMAIN')) problems.push(`${name}: ${key} has a public URL not built from WRRK_DOMAIN: ${url}`);
          continue;
        }
        const host = url.replace(/^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?/, '').split(/[:/]/)[0] ?? '';
        if (!services.has(host)) problems.push(`${name}: ${key} points at ${host}, which is not a service of this file`);
      }
    }
  }
  return problems;
}

/** `KEY=value` lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) values.set(match[1] as string, match[2] as string);
  }
  return values;
}

/** Variables mentioned in an env file, set (`KEY=`) or documented in a comment (`# KEY=`). */
export function documentedVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match) names.add(match[1] as string);
  }
  return names;
}

/** Keys whose comment block in .env.example says `[generated...]`, with the kind. */
export function generatedVariables(envExample: string): Map<string, 'plain' | 'long' | 'password'> {
  const generated = new Map<string, 'plain' | 'long' | 'password'>();
  let kind: 'plain' | 'long' | 'password' | undefined;
  for (const line of envExample.split(/\r?\n/)) {
    if (line.startsWith('#')) {
      if (line.includes('[generated:long]')) kind = 'long';
      else if (line.includes('[generated:password]')) kind = 'password';
      else if (line.includes('[generated]')) kind = 'plain';
      continue;
    }
    const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match && kind) generated.set(match[1] as string, kind);
    kind = undefined;
  }
  return generated;
}
