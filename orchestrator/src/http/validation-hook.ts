import type { Hook } from '@hono/zod-openapi';
import { AppError } from './app-error.ts';
import { zodDetails } from './error-response.ts';

/** Shared by every router: a failed zod check is a 400 naming each failing field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one hook for every route's input types
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    const where = result.target === 'json' ? 'body' : result.target;
    throw new AppError('validation_failed', `invalid ${where}`, { details: zodDetails(result.error) });
  }
};
