/** The orchestrator's API shapes the shell uses (orchestrator/src/*-schemas.ts, team brief). */

export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';
export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'medium', 'low'];
export const STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'cancelled'];

export interface ApprovalSource {
  system: 'chatwoot' | 'matrix' | 'shell';
  accountId?: number;
  conversationId?: number;
  inboxId?: number;
  url?: string;
}

export interface Approval {
  id: string;
  tenantId: string;
  title: string;
  description: string;
  priority: Priority;
  status: ApprovalStatus;
  requestedBy: string;
  requestedByName: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decisionComment: string | null;
  decidedAt: string | null;
  source: ApprovalSource | null;
  metadata: Record<string, unknown>;
  dueAt: string;
  escalationLevel: number;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T, C = string> {
  items: T[];
  nextCursor: C | null;
}

export interface CreateApprovalInput {
  title: string;
  description: string;
  priority: Priority;
  source?: ApprovalSource;
  metadata?: Record<string, unknown>;
}

export interface DecisionInput {
  status: 'approved' | 'rejected' | 'cancelled';
  comment?: string;
}

export interface ApprovalQuery {
  status?: ApprovalStatus[];
  priority?: Priority[];
  requestedBy?: string;
  sort?: 'newest' | 'due';
  cursor?: string;
  limit?: number;
}

export interface AuditEntry {
  id: string;
  tenantId: string;
  seq: number;
  actorId: string;
  actorName: string;
  action: string;
  resourceType: string;
  resourceId: string;
  oldValue: unknown;
  newValue: unknown;
  metadata: Record<string, unknown>;
  requestId: string | null;
  createdAt: string;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
  cursor?: number;
  limit?: number;
}

export interface ChainVerification {
  tenantId: string;
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBreak: { seq: number; entryId: string; reason: string; expected: string; actual: string } | null;
  verifiedAt: string;
}

export type ConsultationStatus = 'scheduled' | 'active' | 'ended';

export interface ConsultationParticipant {
  userId: string;
  name: string;
  joinedAt: string;
  leftAt: string | null;
}

export interface Consultation {
  id: string;
  tenantId: string;
  approvalId: string | null;
  title: string;
  roomName: string;
  status: ConsultationStatus;
  hostId: string;
  hostName: string;
  participants: ConsultationParticipant[];
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateConsultationInput {
  title: string;
  approvalId?: string;
  scheduledAt?: string;
}

export interface JitsiJoinToken {
  jwt: string;
  roomName: string;
  domain: string;
  url: string;
  expiresAt: string;
}

export interface OrchestratorHealth {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  checks: Record<string, { status: string; latencyMs: number | null; detail?: string }>;
}

/** Orchestrator live events (SSE `event:` names). */
export type TenantEventType = 'approval.created' | 'approval.updated' | 'audit.appended' | 'consultation.updated';

export interface TenantEventData<T = unknown> {
  type: TenantEventType;
  tenantId: string;
  data: T;
  at?: string;
}

export interface SlaMinutes {
  low: number;
  medium: number;
  high: number;
  urgent: number;
}

export interface TenantSettings {
  tenantId: string;
  displayName: string | null;
  slaMinutes: SlaMinutes;
  chatwootAccountId: number | null;
  matrixRoomId: string | null;
  integrations: {
    chatwoot: { configured: boolean; url: string | null };
    matrix: { configured: boolean; homeserver: string | null };
    jitsi: { configured: boolean; url: string | null };
  };
}

export interface TenantSettingsUpdate {
  displayName?: string;
  slaMinutes?: Partial<SlaMinutes>;
}
