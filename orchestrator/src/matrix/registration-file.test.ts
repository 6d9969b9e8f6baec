import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACME, PERSONAS } from '../testing/test-issuer.ts';
import { roomAliasFor, userIdFor } from './matrix-ids.ts';
import type { Registration } from './testing/homeserver-double.ts';
import { SERVER_NAME, startMatrixKit, type MatrixKit } from './testing/matrix-test-kit.ts';

/**
 * The application-service registration Synapse loads in the production stack
 * (`matrix/appservice-wrrk.yaml`, rendered from the environment) and this code must agree:
 * same tokens, the bot is the registration's sender, tenant room aliases are inside its
 * exclusive alias namespace, people are outside its exclusive user namespace (or Keycloak
 * sign-in could not create them). Then the whole flow runs with the homeserver double loading
 * that very registration.
 */
const TEMPLATE = new URL('../../../matrix/appservice-wrrk.yaml', import.meta.url);
const ENV: Record<string, string> = { MATRIX_AS_TOKEN: 'as-from-the-registration-0123', MATRIX_HS_TOKEN: 'hs-from-the-registration-4567', MATRIX_BOT_LOCALPART: 'wrrk', MATRIX_SERVER_NAME: SERVER_NAME };
const template = readFileSync(TEMPLATE, 'utf8');
const rendered = parse(template.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => ENV[name] ?? `<unset ${name}>`)) as Registration & { url: string };
const synapseMatch = (regex: string, value: string) => new RegExp(`^(?:${regex})`).test(value);

describe('matrix/appservice-wrrk.yaml', () => {
  it('takes its tokens and sender from the variables the orchestrator reads', () => {
    expect(template).toMatch(/^as_token: "\$\{MATRIX_AS_TOKEN\}"$/m);
    expect(template).toMatch(/^hs_token: "\$\{MATRIX_HS_TOKEN\}"$/m);
    expect(template).toMatch(/^sender_localpart: "\$\{MATRIX_BOT_LOCALPART\}"$/m);
    expect(rendered.url).toMatch(/^https?:\/\/[^/]+$/); // the orchestrator's root: /_matrix/app/v1/... is ours
  });

  it('puts tenant rooms inside its exclusive alias namespace and people outside its user namespace', () => {
    const aliases = rendered.namespaces.aliases ?? [];
    for (const tenant of [ACME, '/teams/support', '/organizations/Globex_Inc']) {
      const alias = roomAliasFor(tenant, `${ENV['MATRIX_BOT_LOCALPART']}_`, SERVER_NAME)!;
      expect(aliases.some((ns) => ns.exclusive && synapseMatch(ns.regex, alias)), alias).toBe(true);
    }
    const users = rendered.namespaces.users ?? [];
    for (const person of Object.values(PERSONAS)) {
      expect(users.some((ns) => ns.exclusive && synapseMatch(ns.regex, userIdFor(person.username, SERVER_NAME))), person.username).toBe(false);
    }
  });
});

describe('approve from chat with the project\'s registration loaded', () => {
  let kit: MatrixKit;
  beforeAll(async () => {
    kit = await startMatrixKit({ registration: { ...rendered, url: null } });
  });
  afterAll(() => kit.close());

  it('provisions, notifies and decides', async () => {
    const { adam, alice, carol } = PERSONAS;
    expect((await kit.t.call(adam, 'POST', `/api/sync/matrix?tenantId=${encodeURIComponent(ACME)}`)).status).toBe(202);
    await kit.settle();
    const roomId = kit.hs.aliases.get(`#wrrk_org_acme-corp:${SERVER_NAME}`)!;
    kit.hs.join(userIdFor(carol.username, SERVER_NAME), roomId);
    const created = (await (await kit.t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { title: 'With the real registration', priority: 'high' })).json()) as { id: string };
    await kit.settle();
    const notice = kit.hs.messages(roomId).find((e) => (e.content['org.wrrk.notice'] as { approvalId?: string } | undefined)?.approvalId === created.id)!;
    kit.hs.react(userIdFor(carol.username, SERVER_NAME), roomId, notice.event_id, '👍');
    await kit.settle();
    expect(((await (await kit.t.call(carol, 'GET', `/api/approvals/${created.id}?tenantId=${encodeURIComponent(ACME)}`)).json()) as { status: string }).status).toBe('approved');
  });
});
