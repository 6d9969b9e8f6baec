import type { Metadata } from 'next';
import Link from 'next/link';
import { Icon } from '../../../../components/icon';
import { Forbidden, FailureState } from '../../../../components/states';
import { shellConfig } from '../../../../lib/config';
import type { Consultation } from '../../../../lib/orchestrator/types';
import { moduleAccess } from '../../../../lib/session/module-access';
import { ConsultationRoom } from './consultation-room';

export const metadata: Metadata = { title: 'Consultation' };

export default async function ConsultationPage({ params }: { params: Promise<{ id: string }> }) {
  const { session, allowed } = await moduleAccess('consultations');
  if (!allowed) return <Forbidden module="Consultations" />;
  const { id } = await params;
  const consultation = await session.orchestrator.getConsultation(id).catch((error: unknown) => error);
  return (
    <div className="page">
      <div className="stack">
        <div>
          <Link href="/app/consultations" className="btn btn-ghost btn-sm">
            <Icon name="arrowLeft" /> All consultations
          </Link>
        </div>
        {consultation instanceof Error ? (
          <FailureState error={consultation} />
        ) : (
          <ConsultationRoom
            initial={consultation as Consultation}
            jitsiUrl={shellConfig().jitsiUrl}
            viewer={{ id: session.principal.id, name: session.principal.name, email: session.principal.email, manager: session.principal.roles.some((role) => role !== 'agent') }}
          />
        )}
      </div>
    </div>
  );
}
