import type { Metadata } from 'next';
import { EmbeddedHealthNotice } from '../../../components/embedded-health';
import { Icon } from '../../../components/icon';
import { Forbidden, NotConnected } from '../../../components/states';
import { shellConfig } from '../../../lib/config';
import { findModule } from '../../../lib/modules/registry';
import type { Approval, Priority } from '../../../lib/orchestrator/types';
import { moduleAccess } from '../../../lib/session/module-access';
import { EscalationPanel, type EscalationPrefill } from './escalation-panel';

export const metadata: Metadata = { title: 'Inbox' };

type Search = Promise<Record<string, string | string[] | undefined>>;
const PRIORITIES: Priority[] = ['low', 'medium', 'high', 'urgent'];

/**
 * Chatwoot, embedded on the tenant's account, with the escalation panel beside it. Links from
 * Chatwoot (its dashboard app, a macro) can open the panel prefilled:
 * `/app/inbox?conversation=<url or id>&title=…&description=…&priority=high`.
 */
export default async function InboxPage({ searchParams }: { searchParams: Search }) {
  const { session, allowed } = await moduleAccess('inbox');
  if (!allowed) return <Forbidden module="Inbox" />;
  const params = await searchParams;
  const get = (key: string) => {
    const value = params[key];
    return ((Array.isArray(value) ? value[0] : value) ?? '').slice(0, 10_000);
  };
  const config = shellConfig();
  const [settings, mine] = await Promise.all([
    session.orchestrator.tenantSettings().catch(() => null),
    session.orchestrator.listApprovals({ requestedBy: session.principal.id, sort: 'newest', limit: 20 }).catch(() => null),
  ]);
  const accountId = settings?.chatwootAccountId ?? null;
  const prefillPriority = get('priority') as Priority;
  const prefill: EscalationPrefill = {
    conversation: get('conversation') || get('conversationId') || get('url'),
    title: get('title').slice(0, 200),
    description: get('description'),
    priority: PRIORITIES.includes(prefillPriority) ? prefillPriority : 'high',
  };
  const module = findModule('inbox');
  const panel = (
    <EscalationPanel
      prefill={prefill}
      defaultAccountId={accountId}
      chatwootUrl={config.chatwootUrl}
      userId={session.principal.id}
      initialMine={(mine?.items ?? []) as Approval[]}
    />
  );

  if (!config.chatwootUrl) {
    return (
      <div className="page">
        <div className="page-header">
          <div className="page-title">
            <h1>Inbox</h1>
            <p className="page-subtitle">{session.tenant.name} · customer conversations and escalation to the CEO</p>
          </div>
        </div>
        <div className="grid-2">
          <NotConnected system="Chatwoot" variable="CHATWOOT_URL" purpose="The inbox shows this workspace's Chatwoot account here. Escalating a conversation to the CEO works without it: name the conversation in the form." />
          <div className="card card-body">{panel}</div>
        </div>
      </div>
    );
  }

  const frameUrl = module.location.kind === 'embedded' ? module.location.url(config.chatwootUrl, { tenantId: session.tenant.id, chatwootAccountId: accountId, matrixRoomId: null }) : config.chatwootUrl;
  return (
    <div className="embed">
      <div className="embed-bar">
        <Icon name="inbox" />
        <strong>Inbox</strong>
        <span className="muted small">
          Chatwoot{accountId ? ` · account ${accountId}` : ' · no account linked to this workspace yet'}
        </span>
        <span className="grow" />
        <a className="btn btn-sm btn-ghost" href={frameUrl} target="_blank" rel="noopener noreferrer">
          Open in a new tab <Icon name="external" />
        </a>
      </div>
      <EmbeddedHealthNotice module={module} />
      <div className="embed-with-panel">
        <iframe className="embed-frame" src={frameUrl} title={`Chatwoot inbox for ${session.tenant.name}`} referrerPolicy="strict-origin-when-cross-origin" allow="clipboard-write" />
        <aside className="side-panel" aria-label="Escalate to the CEO">
          {panel}
        </aside>
      </div>
    </div>
  );
}
