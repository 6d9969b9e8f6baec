import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractsDir } from '@wrrk/chatwoot/spec-paths.ts';
import { AUTH_MESSAGE_TYPE, draftFor, keycloakSettings, readAppContext, readAuthHandoff } from './app-context';

const example = readFileSync(join(contractsDir(), 'webhook-examples-derived', 'dashboard_app.appContext.json'), 'utf8');
const CHATWOOT = 'https://chat.example.com';
const parent = { name: 'parent window' };

describe('dashboard app context (Chatwoot postMessage)', () => {
  it('reads the contract example posted by Chatwoot as a JSON string', () => {
    const context = readAppContext({ origin: CHATWOOT, source: parent, data: JSON.stringify(JSON.parse(example)) }, CHATWOOT, parent);
    expect(context).toEqual({ accountId: 1, conversationId: 42, inboxId: 3, status: 'open', priority: null, labels: [], contactName: 'Jane Doe', lastCustomerMessage: 'Hello, I need approval for a refund of 5000 EUR', agentName: 'Alex Agent' });
    expect(draftFor(context!)).toEqual({ title: 'Conversation #42 with Jane Doe', description: 'Customer wrote: “Hello, I need approval for a refund of 5000 EUR”', priority: 'high' });
  });

  it('ignores messages from another origin, another window, objects and other events', () => {
    expect(readAppContext({ origin: 'https://evil.example', source: parent, data: example }, CHATWOOT, parent)).toBeNull();
    expect(readAppContext({ origin: CHATWOOT, source: {}, data: example }, CHATWOOT, parent)).toBeNull();
    expect(readAppContext({ origin: CHATWOOT, source: parent, data: JSON.parse(example) }, CHATWOOT, parent)).toBeNull();
    expect(readAppContext({ origin: CHATWOOT, source: parent, data: '{"event":"other"}' }, CHATWOOT, parent)).toBeNull();
    expect(readAppContext({ origin: CHATWOOT, source: parent, data: 'not json' }, CHATWOOT, parent)).toBeNull();
  });

  it('accepts tokens only from the popup it opened, on its own origin', () => {
    const popup = { name: 'popup' };
    const data = { type: AUTH_MESSAGE_TYPE, token: 'x'.repeat(40), refreshToken: 'r', idToken: null };
    expect(readAuthHandoff({ origin: 'https://wrrk.example', source: popup, data }, 'https://wrrk.example', popup)).toEqual({ token: 'x'.repeat(40), refreshToken: 'r', idToken: null });
    expect(readAuthHandoff({ origin: CHATWOOT, source: popup, data }, 'https://wrrk.example', popup)).toBeNull();
    expect(readAuthHandoff({ origin: 'https://wrrk.example', source: parent, data }, 'https://wrrk.example', popup)).toBeNull();
    expect(readAuthHandoff({ origin: 'https://wrrk.example', source: popup, data }, 'https://wrrk.example', null)).toBeNull();
  });

  it('derives keycloak-js settings from the issuer', () => {
    expect(keycloakSettings('http://localhost:8080/realms/wrrk')).toEqual({ url: 'http://localhost:8080', realm: 'wrrk' });
    expect(keycloakSettings('https://id.example.com/auth/realms/wrrk/')).toEqual({ url: 'https://id.example.com/auth', realm: 'wrrk' });
    expect(keycloakSettings('https://accounts.example.com')).toBeNull();
  });
});
