import { APIConnectionError, JeweliaError, errorFromResponse } from './errors.js';
import { createClient, createConfig, type Client } from './generated/client/index.js';
import { type ListEnvelope, type PageParams, type PagePromise, pagePromise } from './pagination.js';
import { type RequestOptions, type RetryPolicy, sendWithRetries } from './transport.js';

/** What the facade hands to a generated operation: our client, our fetch, the call's headers. */
export interface CallOptions {
  client: Client;
  fetch: typeof fetch;
  headers: Record<string, string>;
}

/** The shape of a generated operation's result (`responseStyle: 'fields'`). */
export interface OperationResult<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

/** The `data` of an envelope type. */
export type DataOf<E> = E extends { data: infer D } ? D : never;

/** How a list walks its pages: by cursor (falling back to page numbers), by page, or not at all. */
export type Paging = 'cursor' | 'page' | 'single';

export interface CoreConfig {
  apiKey: string | undefined;
  baseUrl: string;
  headers: Record<string, string>;
  policy: RetryPolicy;
}

/**
 * The API root from a base URL: a bare origin (`https://host` or `https://host/`) gets `/api/v1`;
 * a URL with a path is taken as the API root itself (a trailing slash dropped).
 */
export function apiRoot(baseUrl: string): string {
  const url = baseUrl.trim();
  if (!/^https?:\/\/[^/?#]+/i.test(url)) {
    throw new TypeError(`baseUrl must be an http(s) URL such as https://your-host/api/v1: ${url}`);
  }
  if (/^https?:\/\/[^/?#]+\/?$/i.test(url)) return url.replace(/\/?$/, '/api/v1');
  return url.replace(/\/+$/, '');
}

/** Runs generated operations with retries, unwraps envelopes and throws typed errors. */
export class Core {
  readonly client: Client;
  private readonly policy: RetryPolicy;
  private readonly headers: Record<string, string>;

  constructor(config: CoreConfig) {
    this.policy = config.policy;
    this.headers = config.headers;
    this.client = createClient(
      createConfig({ baseUrl: apiRoot(config.baseUrl), auth: config.apiKey }),
    );
  }

  private callOptions(options: RequestOptions): CallOptions {
    const send = (input: RequestInfo | URL) =>
      sendWithRetries(input instanceof Request ? input : new Request(input), this.policy, options);
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (typeof options.idempotencyKey === 'string') {
      headers['Idempotency-Key'] = options.idempotencyKey;
    }
    return { client: this.client, fetch: send as typeof fetch, headers };
  }

  /** The response body of an operation, or the typed error for its failure. */
  async body<T>(
    send: (o: CallOptions) => Promise<OperationResult<T>>,
    options: RequestOptions = {},
  ): Promise<T> {
    const result = await send(this.callOptions(options));
    const response = result.response;
    if (response === undefined) {
      if (result.error instanceof JeweliaError) throw result.error;
      throw new APIConnectionError(`Request failed: ${String(result.error)}`, result.error);
    }
    if (!response.ok) throw errorFromResponse(response, result.error);
    return result.data as T;
  }

  /** The envelope's `data` of an operation. */
  async call<E>(
    send: (o: CallOptions) => Promise<OperationResult<E>>,
    options?: RequestOptions,
  ): Promise<DataOf<E>> {
    const envelope = await this.body(send, options);
    return (envelope as { data: DataOf<E> }).data;
  }

  /** A list operation: a promise of its first page that iterates over every item. */
  list<E extends ListEnvelope, Q extends object>(
    params: Q | undefined,
    paging: Paging,
    send: (o: CallOptions, query: Q) => Promise<OperationResult<E>>,
    options?: RequestOptions,
  ): PagePromise<E> {
    return pagePromise<E>({ ...params }, paging, (query: PageParams) =>
      this.body((o) => send(o, query as Q), options),
    );
  }

  /** A file download: the response body's bytes. */
  async bytes(
    send: (o: CallOptions) => Promise<OperationResult<unknown>>,
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    const body = await this.body(send, options);
    return new Uint8Array(body as ArrayBuffer);
  }
}
