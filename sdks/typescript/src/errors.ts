import type { FieldIssue } from './generated/types.gen.js';

/** What every API error carries, read from the error envelope and the response headers. */
export interface ErrorFields {
  code: string;
  details?: unknown;
  status?: number;
  requestId?: string | null;
  headers?: Headers;
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class JeweliaError extends Error {
  override name = 'JeweliaError';
  /** The API's error code, e.g. `NOT_FOUND` or `VALIDATION_ERROR`. */
  readonly code: string;
  /** The envelope's `details`: a list of field issues for validation errors, else text or null. */
  readonly details: unknown;
  /** The HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** The `x-request-id` response header: quote it when asking for support. */
  readonly requestId: string | null;
  /** The response headers, when there was a response. */
  readonly headers: Headers | undefined;

  constructor(message: string, fields: ErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = fields.code;
    this.details = fields.details ?? null;
    this.status = fields.status;
    this.requestId = fields.requestId ?? null;
    this.headers = fields.headers;
  }
}

/** 401: the API key or token is missing, invalid, expired or revoked. */
export class AuthenticationError extends JeweliaError {
  override name = 'AuthenticationError';
}

/** 403: the credential lacks the permission, or the request is refused for this caller. */
export class AuthorizationError extends JeweliaError {
  override name = 'AuthorizationError';
}

/** 404: no such resource in this business. */
export class NotFoundError extends JeweliaError {
  override name = 'NotFoundError';
}

/** 409: conflict with the current state (e.g. INSUFFICIENT_STOCK, IDEMPOTENCY_IN_PROGRESS). */
export class ConflictError extends JeweliaError {
  override name = 'ConflictError';
}

/** 400 or 422: the request was refused; `details` lists `{field, message, code}` when known. */
export class ValidationError extends JeweliaError {
  override name = 'ValidationError';
  declare readonly details: FieldIssue[] | string | null;
}

/** 429: too many requests; `retryAfter` is the server's Retry-After in seconds. */
export class RateLimitError extends JeweliaError {
  override name = 'RateLimitError';
  /** Seconds to wait before trying again, when the server said. */
  readonly retryAfter: number | null;

  constructor(message: string, fields: ErrorFields) {
    super(message, fields);
    this.retryAfter = retryAfterSeconds(fields.headers);
  }
}

/** 5xx or any other unexpected status. */
export class APIError extends JeweliaError {
  override name = 'APIError';
}

/** No response: the connection failed, timed out or was aborted. */
export class APIConnectionError extends JeweliaError {
  override name = 'APIConnectionError';

  constructor(message: string, cause?: unknown) {
    super(message, { code: 'CONNECTION_ERROR', cause });
  }
}

/** A webhook's signature headers do not match its body and secret, or are stale. */
export class WebhookSignatureError extends JeweliaError {
  override name = 'WebhookSignatureError';

  constructor(message: string) {
    super(message, { code: 'INVALID_SIGNATURE' });
  }
}

/** Retry-After in seconds (a number or an HTTP date), or null when absent or unreadable. */
export function retryAfterSeconds(headers: Headers | undefined): number | null {
  const value = headers?.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

/** The typed error for an HTTP error response and its parsed body. */
export function errorFromResponse(response: Response, body: unknown): JeweliaError {
  const envelope =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const text = typeof body === 'string' && body ? body.slice(0, 500) : undefined;
  const message =
    typeof envelope.error === 'string'
      ? envelope.error
      : (text ?? `HTTP ${response.status} ${response.statusText}`.trim());
  const fields: ErrorFields = {
    code: typeof envelope.code === 'string' ? envelope.code : `HTTP_${response.status}`,
    details: envelope.details ?? null,
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    headers: response.headers,
  };
  const ErrorClass = errorClassFor(response.status);
  return new ErrorClass(message, fields);
}

function errorClassFor(status: number): new (message: string, fields: ErrorFields) => JeweliaError {
  switch (status) {
    case 400:
    case 422:
      return ValidationError;
    case 401:
      return AuthenticationError;
    case 403:
      return AuthorizationError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 429:
      return RateLimitError;
    default:
      return APIError;
  }
}
