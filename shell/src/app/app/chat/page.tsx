import type { Metadata } from 'next';
import { EmbeddedHealthNotice } from '../../../components/embedded-health';
import { Icon } from '../../../components/icon';
import { Forbidden, NotConnected } from '../../../components/states';
import { shellConfig } from '../../../lib/config';
import { findModule } from '../../../lib/modules/registry';
import { moduleAccess } from '../../../lib/session/module-access';

export const metadata: Metadata = { title: 'Team chat' };

/** Element, embedded on the tenant's Matrix room (kept in the tenant's settings by the orchestrator). */
export default async function ChatPage() {
  const { session, allowed } = await moduleAccess('chat');
  if (!allowed) return <Forbidden module="Team chat" />;
  const config = shellConfig();
  if (!config.elementUrl) {
    return (
      <div className="page">
        <div className="page-header">
          <div className="page-title">
            <h1>Team chat</h1>
            <p className="page-subtitle">{session.tenant.name}</p>
          </div>
        </div>
        <NotConnected system="Element" variable="ELEMENT_URL" purpose="Team chat shows this workspace's Matrix room in Element. Escalations and decisions are posted there as notices once Matrix is connected." />
      </div>
    );
  }
  const settings = await session.orchestrator.tenantSettings().catch(() => null);
  const module = findModule('chat');
  const frameUrl =
    module.location.kind === 'embedded' ? module.location.url(config.elementUrl, { tenantId: session.tenant.id, chatwootAccountId: null, matrixRoomId: settings?.matrixRoomId ?? null }) : config.elementUrl;
  return (
    <div className="embed">
      <div className="embed-bar">
        <Icon name="chat" />
        <strong>Team chat</strong>
        <span className="muted small">{settings?.matrixRoomId ? `${session.tenant.name} room` : 'No room linked to this workspace yet: Element opens on its home'}</span>
        <span className="grow" />
        <a className="btn btn-sm btn-ghost" href={frameUrl} target="_blank" rel="noopener noreferrer">
          Open in a new tab <Icon name="external" />
        </a>
      </div>
      <EmbeddedHealthNotice module={module} />
      <iframe className="embed-frame" src={frameUrl} title={`Team chat for ${session.tenant.name}`} referrerPolicy="strict-origin-when-cross-origin" allow="clipboard-write" />
    </div>
  );
}
