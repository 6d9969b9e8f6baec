import type { Metadata } from 'next';
import { Forbidden, FailureState } from '../../../components/states';
import { loadQueue, type QueuePage } from '../../../lib/approvals/load-queue';
import { parseQueueFilter } from '../../../lib/approvals/queue-rules';
import { shellConfig } from '../../../lib/config';
import type { Approval, AuditEntry } from '../../../lib/orchestrator/types';
import { moduleAccess } from '../../../lib/session/module-access';
import { isDecider } from '../../../lib/session/principal-rules';
import { ApprovalsView } from './approvals-view';

export const metadata: Metadata = { title: 'Approvals' };

type Search = Promise<Record<string, string | string[] | undefined>>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The CEO's queue, rendered on the server (the list and, for a deep link, the selected
 * approval with its history) and then kept live in the browser.
 */
export default async function ApprovalsPage({ searchParams }: { searchParams: Search }) {
  const { session, allowed } = await moduleAccess('approvals');
  if (!allowed) return <Forbidden module="Approvals" />;
  const params = await searchParams;
  const get = (key: string) => {
    const value = params[key];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  };
  const filter = parseQueueFilter({ get });
  const selectedId = get('id');
  const wanted = selectedId && UUID.test(selectedId) ? selectedId : null;

  const [queue, detail] = await Promise.allSettled([
    loadQueue(session.orchestrator, filter),
    wanted ? Promise.all([session.orchestrator.getApproval(wanted), session.orchestrator.approvalHistory(wanted)]) : Promise.resolve(null),
  ]);
  const initialDetail: { approval: Approval; history: AuditEntry[] } | null = detail.status === 'fulfilled' && detail.value ? { approval: detail.value[0], history: detail.value[1] } : null;
  const page: QueuePage | null = queue.status === 'fulfilled' ? queue.value : null;

  return (
    <div className="page">
      {queue.status === 'rejected' ? (
        <div className="stack">
          <div className="page-header">
            <div className="page-title">
              <h1>Approvals</h1>
            </div>
          </div>
          <FailureState error={queue.reason} />
        </div>
      ) : (
        <ApprovalsView
          key={`${session.tenant.id}:${filter.status}:${filter.priority}`}
          tenantName={session.tenant.name}
          filter={filter}
          initialItems={page!.items}
          initialCursor={page!.nextCursor}
          initialSelectedId={wanted}
          initialDetail={initialDetail}
          viewer={{ id: session.principal.id, roles: session.principal.roles, decider: isDecider(session.principal) }}
          chatwootUrl={shellConfig().chatwootUrl}
          detailError={detail.status === 'rejected' ? String((detail.reason as Error)?.message ?? detail.reason) : null}
        />
      )}
    </div>
  );
}
