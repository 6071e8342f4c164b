import { APIConnectionError, retryAfterSeconds } from './errors.js';

/** Options of one call, given as the last argument of any resource method. */
export interface RequestOptions {
  /**
   * For POST: the Idempotency-Key to send (default: a new UUID, kept across retries); `false`
   * sends none (the POST is then retried only after a 429).
   */
  idempotencyKey?: string | false;
  /** Retries after the first attempt, overriding the client's `maxRetries`. */
  maxRetries?: number;
  /** Milliseconds for each attempt, overriding the client's `timeout`. */
  timeout?: number;
  /** Cancels the call (every attempt and the waits between them). */
  signal?: AbortSignal;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** Options of `inboundWebhooks.receive`: the source's secret signs the body. */
export interface ReceiveOptions extends RequestOptions {
  /** The source's signing secret (`whsec_…`). */
  signingSecret: string;
}

export interface RetryPolicy {
  maxRetries: number;
  timeout: number;
  fetch: typeof fetch;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
// A longer Retry-After (an hourly budget spent) is the caller's to decide: RateLimitError says it.
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Whether an attempt that failed may be sent again. `status` is the answer's status, null when
 * no answer came (a connection failure); `keyed` is whether the request has an Idempotency-Key.
 * A 429 is retried for every method (the server refused it before doing anything); a 5xx or a
 * connection failure only for GET, HEAD, PUT, DELETE, OPTIONS and a keyed POST (the server
 * honours Idempotency-Key on POST only).
 */
export function mayRetry(method: string, keyed: boolean, status: number | null): boolean {
  if (status === 429) return true;
  if (status !== null && status < 500) return false;
  const upper = method.toUpperCase();
  return IDEMPOTENT_METHODS.has(upper) || (upper === 'POST' && keyed);
}

/** Exponential backoff with full jitter between half and all of min(0.5 s * 2^attempt, 8 s). */
export function backoffDelay(attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** The wait before retrying a response: its Retry-After, else the backoff; null when too long. */
function retryDelay(response: Response, attempt: number): number | null {
  const retryAfter = retryAfterSeconds(response.headers);
  if (retryAfter === null) return backoffDelay(attempt);
  const wait = retryAfter * 1000;
  return wait <= MAX_RETRY_AFTER_MS ? wait : null;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new APIConnectionError('Request aborted', signal.reason));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIConnectionError('Request aborted', signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal that fires when the caller aborts or the attempt's time is up. */
function attemptSignal(timeoutMs: number, caller: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!caller) return timeout;
  const controller = new AbortController();
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  if (caller.aborted) controller.abort(caller.reason);
  caller.addEventListener('abort', abort(caller), { once: true });
  timeout.addEventListener('abort', abort(timeout), { once: true });
  return controller.signal;
}

/**
 * Send a request, retrying as `mayRetry` allows; a POST gets an Idempotency-Key unless it has
 * one or the call opted out (`idempotencyKey: false`), and every attempt sends the same key.
 */
export async function sendWithRetries(
  request: Request,
  policy: RetryPolicy,
  options: RequestOptions,
): Promise<Response> {
  const method = request.method.toUpperCase();
  const maxRetries = Math.max(0, options.maxRetries ?? policy.maxRetries);
  const timeout = options.timeout ?? policy.timeout;
  const headers = new Headers(request.headers);
  if (options.idempotencyKey === false) {
    headers.delete('idempotency-key');
  } else if (method === 'POST' && !headers.has('idempotency-key')) {
    headers.set('Idempotency-Key', newIdempotencyKey());
  }
  const keyed = headers.has('idempotency-key');
  // Read once so every attempt sends the same bytes with a Content-Length.
  const body = request.body === null ? undefined : await request.arrayBuffer();
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < maxRetries;
    let response: Response;
    try {
      response = await policy.fetch(
        new Request(request.url, {
          method,
          headers,
          body,
          redirect: request.redirect,
          signal: attemptSignal(timeout, options.signal),
        }),
      );
    } catch (error) {
      if (options.signal?.aborted) {
        throw new APIConnectionError('Request aborted', error);
      }
      if (canRetry && mayRetry(method, keyed, null)) {
        await sleep(backoffDelay(attempt), options.signal);
        continue;
      }
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      const reason = timedOut ? `timed out after ${timeout} ms` : describe(error);
      throw new APIConnectionError(`Connection error: ${reason}`, error);
    }
    const wait =
      canRetry && mayRetry(method, keyed, response.status) ? retryDelay(response, attempt) : null;
    if (wait === null) return response;
    await response.body?.cancel();
    await sleep(wait, options.signal);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

/** A random UUID v4 (crypto.randomUUID where available, e.g. not on plain-http pages). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
