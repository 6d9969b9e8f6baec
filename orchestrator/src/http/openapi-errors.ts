import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.string().openapi({ example: 'invalid body' }),
    code: z.string().openapi({ example: 'validation_failed' }),
    details: z.unknown().optional(),
    timestamp: z.string(),
    requestId: z.string(),
  })
  .openapi('Error');

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** The error answers every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: error('Invalid input: `details` lists each failing field'),
  401: error('Missing or invalid bearer token'),
  403: error('Not a member of the tenant, or not allowed'),
  404: error('Not found'),
  409: error('Conflicting state change'),
  429: error('Rate limit exceeded; see Retry-After'),
  503: error('A dependency is unavailable; retry'),
} as const;
