import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './app-error.ts';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** 415 unless a JSON body is declared as JSON. Webhook routes opt out (they verify raw bytes). */
export function requireJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    if (WITH_BODY.has(c.req.method)) {
      const length = c.req.header('content-length');
      const hasBody = length !== undefined ? length !== '0' : c.req.raw.body !== null;
      const type = c.req.header('content-type') ?? '';
      if (hasBody && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
        throw new AppError('unsupported_media_type', `expected Content-Type: application/json, got ${type || 'none'}`);
      }
    }
    await next();
  };
}

/** 413 past the configured size, checked while streaming so a huge body is never buffered. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `request body exceeds ${maxBytes} bytes`, { details: { maxBytes } });
    },
  });
}
