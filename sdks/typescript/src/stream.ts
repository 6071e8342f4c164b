import { APIConnectionError, errorFromResponse } from './errors.js';

/** One message of the real-time stream. */
export interface StreamEvent {
  /** `event`, or `gap` when the server no longer had events after the last id (re-read what you follow). */
  type: 'event' | 'gap';
  /** The cursor to resume from (events only). */
  id?: string;
  /** The catalog name, e.g. `order.created`. */
  event: string;
  /** The event's own id (as in webhook deliveries). */
  eventId: string;
  data: Record<string, unknown>;
  timestamp: string;
  /** Why a gap: `history` (older than what the server keeps). */
  reason?: string;
}

export interface StreamOptions {
  /** Catalog names, categories (`order.*`) or `*` (the default). */
  events?: string[];
  /** Resume after this cursor (a previous event's `id`). */
  lastEventId?: string;
  /** Reconnect from the last id after a dropped connection (default true). */
  reconnect?: boolean;
  /** Stops the stream. */
  signal?: AbortSignal;
  /** Longest wait between reconnects in milliseconds (default 30000). */
  maxDelay?: number;
}

export interface StreamContext {
  baseUrl: string;
  apiKey: string | undefined;
  headers: Record<string, string>;
  fetch: typeof fetch;
}

function parse(fields: Record<string, string>): StreamEvent | undefined {
  if (!fields.data) return undefined;
  const body = JSON.parse(fields.data) as Record<string, unknown>;
  if (fields.event === 'gap') {
    return { type: 'gap', event: '', eventId: '', data: {}, timestamp: '', reason: String(body.reason ?? '') };
  }
  return {
    type: 'event',
    id: fields.id ?? String(body.id),
    event: String(body.event ?? ''),
    eventId: String(body.event_id ?? ''),
    data: (body.data ?? {}) as Record<string, unknown>,
    timestamp: String(body.timestamp ?? ''),
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The business's events as they commit, from `GET /stream/sse` (Server-Sent Events read with
 * fetch, so the API key goes in a header). Reconnects with `Last-Event-ID`; the server replays
 * what was missed, and a slow reader the server cut off resumes the same way.
 */
export async function* streamEvents(
  context: StreamContext,
  options: StreamOptions = {},
): AsyncGenerator<StreamEvent, void, undefined> {
  const events = (options.events ?? ['*']).join(',');
  const reconnect = options.reconnect ?? true;
  const maxDelay = options.maxDelay ?? 30_000;
  let last = options.lastEventId;
  let delay = 500;
  while (!options.signal?.aborted) {
    let retry: number | undefined;
    try {
      const headers: Record<string, string> = {
        ...context.headers,
        Accept: 'text/event-stream',
      };
      if (context.apiKey) headers.Authorization = `Bearer ${context.apiKey}`;
      if (last) headers['Last-Event-ID'] = last;
      const url = `${context.baseUrl}/stream/sse?events=${encodeURIComponent(events)}`;
      const response = await context.fetch(url, { headers, signal: options.signal });
      if (!response.ok) {
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the error keeps the text
        }
        throw errorFromResponse(response, body);
      }
      if (!response.body) throw new APIConnectionError('The stream has no body');
      delay = 500;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let fields: Record<string, string> = {};
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, cut).replace(/\r$/, '');
          buffer = buffer.slice(cut + 1);
          if (line === '') {
            const item = parse(fields);
            fields = {};
            if (item === undefined || (item.type === 'gap' && item.reason === 'slow_consumer')) continue;
            if (item.id) last = item.id;
            yield item;
            continue;
          }
          const colon = line.indexOf(':');
          if (colon === 0) continue; // a comment: heartbeat
          const name = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (name === 'retry' && /^\d+$/.test(value)) retry = Number(value);
          else if (name === 'data' && fields.data !== undefined) fields.data += `\n${value}`;
          else fields[name] = value;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      if (!reconnect || !(error instanceof TypeError || error instanceof APIConnectionError)) throw error;
    }
    if (!reconnect) return;
    await sleep(retry ?? delay, options.signal);
    delay = Math.min(delay * 2, maxDelay);
  }
}
