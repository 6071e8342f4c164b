import { Core, apiRoot } from './core.js';
import {
  Alerts,
  Analytics,
  ApiKeys,
  Auth,
  Builder,
  Customers,
  ImportExport,
  InboundWebhooks,
  Inventory,
  Marketplace,
  Notifications,
  Orders,
  WebhookTools,
  Webhooks,
} from './resources.js';
import { type StreamContext, type StreamEvent, type StreamOptions, streamEvents } from './stream.js';

export interface JeweliaClientOptions {
  /** An API key (`jw_live_…`) or a JWT access token, sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** The API root, `https://your-host/api/v1`; a bare `https://your-host` gets `/api/v1`. */
  baseUrl: string;
  /** Retries after the first attempt on 429, 5xx and connection errors (default 2). */
  maxRetries?: number;
  /** Milliseconds allowed for each attempt (default 30000). */
  timeout?: number;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The fetch to use (default: the global fetch). */
  fetch?: typeof fetch;
}

/** The Jewelia API client: `new JeweliaClient({ apiKey, baseUrl })`, then one property per resource. */
export class JeweliaClient {
  readonly customers: Customers;
  readonly inventory: Inventory;
  readonly orders: Orders;
  readonly apiKeys: ApiKeys;
  readonly auth: Auth;
  readonly webhooks: Webhooks;
  readonly webhookTools: WebhookTools;
  readonly inboundWebhooks: InboundWebhooks;
  readonly importExport: ImportExport;
  readonly marketplace: Marketplace;
  readonly builder: Builder;
  readonly notifications: Notifications;
  readonly alerts: Alerts;
  readonly analytics: Analytics;
  readonly #streamContext: StreamContext;

  constructor(options: JeweliaClientOptions) {
    if (!options?.baseUrl) {
      throw new TypeError('JeweliaClient needs a baseUrl such as https://your-host/api/v1');
    }
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    const core = new Core({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      headers: options.headers ?? {},
      policy: {
        maxRetries: options.maxRetries ?? 2,
        timeout: options.timeout ?? 30_000,
        fetch: fetchImpl,
      },
    });
    this.customers = new Customers(core);
    this.inventory = new Inventory(core);
    this.orders = new Orders(core);
    this.apiKeys = new ApiKeys(core);
    this.auth = new Auth(core);
    this.webhooks = new Webhooks(core);
    this.webhookTools = new WebhookTools(core);
    this.inboundWebhooks = new InboundWebhooks(core);
    this.importExport = new ImportExport(core);
    this.marketplace = new Marketplace(core);
    this.builder = new Builder(core);
    this.notifications = new Notifications(core);
    this.alerts = new Alerts(core);
    this.analytics = new Analytics(core);
    this.#streamContext = {
      baseUrl: apiRoot(options.baseUrl),
      apiKey: options.apiKey,
      headers: options.headers ?? {},
      fetch: fetchImpl,
    };
  }

  /**
   * The business's events as they commit (`for await (const e of client.stream({ events:
   * ['order.*'] }))`), resuming from `lastEventId`; reconnects from the last id it yielded.
   */
  stream(options: StreamOptions = {}): AsyncGenerator<StreamEvent, void, undefined> {
    return streamEvents(this.#streamContext, options);
  }
}
