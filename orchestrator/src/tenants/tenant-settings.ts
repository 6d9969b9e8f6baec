import type { Tx } from '../db/database.ts';
import type { SlaMinutes } from '../db/schema.ts';
import { DEFAULT_SLA_MINUTES } from '../approvals/approval-rules.ts';

export interface TenantSettings {
  tenantId: string;
  displayName: string | null;
  slaMinutes: SlaMinutes;
  chatwootAccountId: number | null;
  matrixRoomId: string | null;
}

export async function getSlaMinutes(tx: Tx, tenantId: string): Promise<SlaMinutes> {
  const row = await tx.selectFrom('tenant_settings').select('sla_minutes').where('tenant_id', '=', tenantId).executeTakeFirst();
  return { ...DEFAULT_SLA_MINUTES, ...row?.sla_minutes };
}

/** A tenant without a row has the defaults: settings rows are created on first change. */
export async function getTenantSettings(tx: Tx, tenantId: string): Promise<TenantSettings> {
  const row = await tx.selectFrom('tenant_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return {
    tenantId,
    displayName: row?.display_name ?? null,
    slaMinutes: { ...DEFAULT_SLA_MINUTES, ...row?.sla_minutes },
    chatwootAccountId: row?.chatwoot_account_id ?? null,
    matrixRoomId: row?.matrix_room_id ?? null,
  };
}

export async function updateTenantSettings(tx: Tx, tenantId: string, change: { displayName?: string | undefined; slaMinutes?: Partial<SlaMinutes> | undefined }): Promise<TenantSettings> {
  const current = await getTenantSettings(tx, tenantId);
  const sla = { ...current.slaMinutes, ...change.slaMinutes };
  const displayName = change.displayName ?? current.displayName;
  const now = new Date();
  await tx
    .insertInto('tenant_settings')
    .values({ tenant_id: tenantId, display_name: displayName, sla_minutes: JSON.stringify(sla), updated_at: now })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ display_name: displayName, sla_minutes: JSON.stringify(sla), updated_at: now }))
    .execute();
  return { ...current, displayName, slaMinutes: sla };
}
