import type { Tx } from '../db/database.ts';
import type { SlaMinutes } from '../db/schema.ts';
import { DEFAULT_SLA_MINUTES } from '../approvals/approval-rules.ts';

export async function getSlaMinutes(tx: Tx, tenantId: string): Promise<SlaMinutes> {
  const row = await tx.selectFrom('tenant_settings').select('sla_minutes').where('tenant_id', '=', tenantId).executeTakeFirst();
  return { ...DEFAULT_SLA_MINUTES, ...row?.sla_minutes };
}
