import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canSeeModule, findModule, landingModule, MODULES, systemBaseUrl, visibleModules } from './registry';

const ids = (roles: Parameters<typeof visibleModules>[0]['roles'], tenantKind: 'organization' | 'team' | 'personal' = 'organization') =>
  visibleModules({ roles, tenantKind }).map((module) => module.id);

describe('module registry', () => {
  it('shows each role its modules, in sidebar order', () => {
    expect(ids(['agent'])).toEqual(['inbox', 'chat', 'consultations', 'approvals', 'settings']);
    expect(ids(['ceo'])).toEqual(['chat', 'consultations', 'approvals', 'audit', 'settings']);
    expect(ids(['manager'])).toEqual(['inbox', 'chat', 'consultations', 'approvals', 'audit', 'settings']);
    expect(ids(['agent', 'admin'])).toEqual(['inbox', 'chat', 'consultations', 'approvals', 'audit', 'settings']);
    expect(ids([])).toEqual([]);
  });

  it('lets anyone read the trail of their personal space (as the orchestrator does)', () => {
    expect(ids(['agent'], 'personal')).toContain('audit');
    expect(canSeeModule(findModule('audit'), { roles: ['agent'], tenantKind: 'team' })).toBe(false);
  });

  it('lands deciders on the queue and agents in the inbox', () => {
    expect(landingModule({ roles: ['ceo'], tenantKind: 'organization' })?.id).toBe('approvals');
    expect(landingModule({ roles: ['agent'], tenantKind: 'organization' })?.id).toBe('inbox');
    expect(landingModule({ roles: [], tenantKind: 'organization' })).toBeNull();
  });

  it("opens embedded systems on the tenant's account and room", () => {
    const inbox = findModule('inbox');
    const chat = findModule('chat');
    if (inbox.location.kind !== 'embedded' || chat.location.kind !== 'embedded') throw new Error('inbox and chat are embedded');
    const tenant = { tenantId: '/organizations/acme-corp', chatwootAccountId: 7, matrixRoomId: '!abc:example.org' };
    expect(inbox.location.url('https://cw.example', tenant)).toBe('https://cw.example/app/accounts/7/dashboard');
    expect(inbox.location.url('https://cw.example', { ...tenant, chatwootAccountId: null })).toBe('https://cw.example/app');
    expect(chat.location.url('https://element.example', tenant)).toBe('https://element.example/#/room/!abc%3Aexample.org');
    expect(chat.location.url('https://element.example', { ...tenant, matrixRoomId: null })).toBe('https://element.example/#/home');
  });

  it('names the variable that connects each integrated system', () => {
    const urls = { CHATWOOT_URL: 'https://cw.example', ELEMENT_URL: null, JITSI_URL: null };
    expect(systemBaseUrl(findModule('inbox'), urls)).toBe('https://cw.example');
    expect(systemBaseUrl(findModule('chat'), urls)).toBeNull();
    expect(findModule('consultations').system?.variable).toBe('JITSI_URL');
    expect(systemBaseUrl(findModule('approvals'), urls)).toBeNull();
  });

  it('has a page for every module (adding a module is one entry plus its page)', () => {
    const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'app');
    for (const module of MODULES) expect(existsSync(path.join(appDir, ...module.path.split('/').filter(Boolean), 'page.tsx')), module.path).toBe(true);
  });
});
