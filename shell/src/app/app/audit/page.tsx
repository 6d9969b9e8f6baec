import type { Metadata } from 'next';
import { Forbidden, FailureState } from '../../../components/states';
import { auditFilterParams, parseAuditFilter, toAuditQuery } from '../../../lib/audit/audit-filter';
import { moduleAccess } from '../../../lib/session/module-access';
import { AuditView } from './audit-view';

export const metadata: Metadata = { title: 'Audit' };

type Search = Promise<Record<string, string | string[] | undefined>>;

/** The tenant's trail: filters are URL parameters, so a filtered view is a link and export uses it as is. */
export default async function AuditPage({ searchParams }: { searchParams: Search }) {
  const { session, allowed } = await moduleAccess('audit');
  if (!allowed) return <Forbidden module="Audit" />;
  const params = await searchParams;
  const filter = parseAuditFilter({ get: (key) => ((Array.isArray(params[key]) ? params[key][0] : params[key]) ?? null) });
  const [page, verification] = await Promise.allSettled([session.orchestrator.listAudit({ ...toAuditQuery(filter), limit: 50 }), session.orchestrator.verifyAudit()]);
  return (
    <div className="page">
      {page.status === 'rejected' ? (
        <div className="stack">
          <h1>Audit</h1>
          <FailureState error={page.reason} />
        </div>
      ) : (
        <AuditView
          key={`${session.tenant.id}?${auditFilterParams(filter).toString()}`}
          tenantName={session.tenant.name}
          filter={filter}
          initialEntries={page.value.items}
          initialCursor={page.value.nextCursor}
          initialVerification={verification.status === 'fulfilled' ? verification.value : null}
          verificationError={verification.status === 'rejected' ? String((verification.reason as Error)?.message ?? verification.reason) : null}
          me={{ id: session.principal.id, name: session.principal.name }}
        />
      )}
    </div>
  );
}
