import { z } from '@hono/zod-openapi';

export const ConsultationStatusSchema = z.enum(['scheduled', 'active', 'ended']).openapi('ConsultationStatus');

export const ParticipantSchema = z
  .object({
    userId: z.string().openapi({ description: 'Keycloak subject from the meeting token (`occupant:<jid>` if the occupant had none)' }),
    name: z.string(),
    joinedAt: z.string(),
    leftAt: z.string().nullable(),
  })
  .openapi('ConsultationParticipant');

export const ConsultationSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.string(),
    approvalId: z.uuid().nullable(),
    title: z.string(),
    roomName: z.string().openapi({ description: 'Jitsi room name: random, lower-case, not derivable from the id' }),
    status: ConsultationStatusSchema,
    hostId: z.string(),
    hostName: z.string(),
    participants: z.array(ParticipantSchema),
    scheduledAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Consultation');

export const CreateConsultationBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    approvalId: z.uuid().optional().openapi({ description: 'The escalation this consultation is about (same tenant)' }),
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .openapi('CreateConsultation');

/** start / end / token take no input; an empty JSON object (or no body) is fine. */
export const EmptyBody = z.object({}).strict().openapi('Empty');

export const MeetingTokenSchema = z
  .object({
    jwt: z.string().openapi({ description: 'HS256 token for prosody\'s token plugin; the host\'s makes them moderator' }),
    roomName: z.string(),
    domain: z.string().openapi({ description: 'host[:port] for `new JitsiMeetExternalAPI(domain, …)`' }),
    url: z.string().openapi({ description: 'Direct link: `{JITSI_URL}/{room}?jwt=…`' }),
    expiresAt: z.string(),
  })
  .openapi('MeetingToken');

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value), z.array(item).optional());

export const ListConsultationsQuery = z.object({
  tenantId: z.string().optional(),
  status: csv(ConsultationStatusSchema).openapi({ description: 'comma-separated statuses', example: 'scheduled,active' }),
  approvalId: z.uuid().optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
