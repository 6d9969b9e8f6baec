import type { Metadata } from 'next';
import { Forbidden, FailureState } from '../../../components/states';
import { shellConfig } from '../../../lib/config';
import type { Consultation } from '../../../lib/orchestrator/types';
import { moduleAccess } from '../../../lib/session/module-access';
import { ConsultationList } from './consultation-list';

export const metadata: Metadata = { title: 'Consultations' };

export default async function ConsultationsPage() {
  const { session, allowed } = await moduleAccess('consultations');
  if (!allowed) return <Forbidden module="Consultations" />;
  const page = await session.orchestrator.listConsultations({ limit: 50 }).catch((error: unknown) => error);
  return (
    <div className="page">
      {page instanceof Error ? (
        <div className="stack">
          <h1>Consultations</h1>
          <FailureState error={page} />
        </div>
      ) : (
        <ConsultationList
          tenantName={session.tenant.name}
          initialItems={(page as { items: Consultation[] }).items}
          jitsiConfigured={Boolean(shellConfig().jitsiUrl)}
        />
      )}
    </div>
  );
}
