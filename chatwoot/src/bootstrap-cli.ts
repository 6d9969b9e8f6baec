/**
 * `node chatwoot/src/bootstrap-cli.ts [--tenant /organizations/acme-corp=Acme Corp]… [--write-env FILE]`
 * (or `npm run bootstrap -w chatwoot`). Connects the tenants to Chatwoot (see bootstrap.ts) and
 * stores each account id and webhook secret in the orchestrator's database. Without --tenant,
 * every organisation in Keycloak is connected (needs ORCHESTRATOR_CLIENT_SECRET).
 * Prints the service user's token for CHATWOOT_API_TOKEN, or writes it into FILE.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { migrateToLatest, openDatabase } from '@wrrk/orchestrator/db/database.ts';
import { readChatwootConnection, saveChatwootConnection } from '@wrrk/orchestrator/chatwoot/chatwoot-settings.ts';
import { STATUS_LABELS } from '@wrrk/orchestrator/chatwoot/own-writes.ts';
import { createKeycloakDirectory, keycloakFromIssuer } from '@wrrk/orchestrator/directory/keycloak-directory.ts';
import { bootstrapChatwoot } from './bootstrap.ts';

const Env = z.object({
  CHATWOOT_URL: z.url(),
  CHATWOOT_PLATFORM_TOKEN: z.string().min(1),
  ORCHESTRATOR_PUBLIC_URL: z.url().default('http://localhost:4000'),
  // Where Chatwoot's sidekiq reaches the orchestrator when that differs from the public URL.
  CHATWOOT_WEBHOOK_BASE_URL: z.url().optional(),
  SHELL_URL: z.url().default('http://localhost:3000'),
  CHATWOOT_SERVICE_USER_EMAIL: z.email().default('wrrk-orchestrator@wrrk.invalid'),
  CHATWOOT_ESCALATION_LABEL: z.string().default('escalate'),
  DATABASE_URL: z.url().optional(),
  PGLITE_DATA_DIR: z.string().default('./.data/pglite'),
  OIDC_ISSUER: z.url().default('http://localhost:8080/realms/wrrk'),
  OIDC_AUDIENCE: z.string().default('orchestrator'),
  ORCHESTRATOR_CLIENT_SECRET: z.string().optional(),
  KEYCLOAK_ADMIN_URL: z.url().optional(),
});

const LABEL_COLORS: Record<string, string> = { pending: '#f59e0b', approved: '#16a34a', rejected: '#dc2626', cancelled: '#6b7280' };

function upsertEnvLine(file: string, key: string, value: string) {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => !line.startsWith(`${key}=`)) : [];
  while (lines.length && lines.at(-1) === '') lines.pop();
  writeFileSync(file, `${[...lines, `${key}=${value}`].join('\n')}\n`, { mode: 0o600 });
}

async function main() {
  const { values } = parseArgs({ options: { tenant: { type: 'string', multiple: true }, 'write-env': { type: 'string' }, 'include-teams': { type: 'boolean' } } });
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    console.error(`Chatwoot bootstrap: invalid environment\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    process.exit(78);
  }
  const env = parsed.data;

  let tenants = (values.tenant ?? []).map((spec) => {
    const [tenantId, ...name] = spec.split('=');
    return { tenantId: tenantId!, name: name.join('=') || tenantId!.split('/').at(-1)! };
  });
  if (tenants.length === 0) {
    if (!env.ORCHESTRATOR_CLIENT_SECRET) throw new Error('name the tenants with --tenant /organizations/<slug>=<Name>, or set ORCHESTRATOR_CLIENT_SECRET to read them from Keycloak');
    const issuer = keycloakFromIssuer(env.OIDC_ISSUER);
    const directory = createKeycloakDirectory({ baseUrl: env.KEYCLOAK_ADMIN_URL ?? issuer.baseUrl, realm: issuer.realm, clientId: env.OIDC_AUDIENCE, clientSecret: env.ORCHESTRATOR_CLIENT_SECRET });
    tenants = (await directory.listTenants())
      .filter((t) => values['include-teams'] || t.id.startsWith('/organizations/'))
      .map((t) => ({ tenantId: t.id, name: t.name }));
  }

  const store = await openDatabase({ databaseUrl: env.DATABASE_URL, pgliteDataDir: env.PGLITE_DATA_DIR, poolMax: 2 });
  try {
    await migrateToLatest(store.owner);
    const report = await bootstrapChatwoot(
      {
        chatwootUrl: env.CHATWOOT_URL,
        platformToken: env.CHATWOOT_PLATFORM_TOKEN,
        webhookBaseUrl: env.CHATWOOT_WEBHOOK_BASE_URL ?? env.ORCHESTRATOR_PUBLIC_URL,
        dashboardAppUrl: `${env.SHELL_URL.replace(/\/+$/, '')}/chatwoot-app`,
        serviceUser: { name: 'wrrk', email: env.CHATWOOT_SERVICE_USER_EMAIL },
        labels: [
          ...(env.CHATWOOT_ESCALATION_LABEL === 'off' ? [] : [{ title: env.CHATWOOT_ESCALATION_LABEL, color: '#7c3aed', description: 'Add to escalate this conversation to the CEO (wrrk)' }]),
          ...Object.entries(STATUS_LABELS).map(([status, title]) => ({ title, color: LABEL_COLORS[status]!, description: `CEO decision: ${status} (set by wrrk)` })),
        ],
      },
      tenants,
      { get: (tenantId) => readChatwootConnection(store, tenantId), save: (tenantId, connection) => saveChatwootConnection(store, tenantId, connection) },
      (line) => console.log(line),
    );
    if (values['write-env']) {
      upsertEnvLine(values['write-env'], 'CHATWOOT_API_TOKEN', report.serviceUser.accessToken);
      console.log(`CHATWOOT_API_TOKEN written to ${values['write-env']}`);
    } else {
      console.log(`\nSet this for the orchestrator (a secret):\nCHATWOOT_API_TOKEN=${report.serviceUser.accessToken}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Chatwoot bootstrap failed: ${(error as Error)?.message ?? error}`);
  process.exit(1);
});
