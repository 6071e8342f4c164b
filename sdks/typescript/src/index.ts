export { JeweliaClient, type JeweliaClientOptions } from './client.js';
export {
  APIConnectionError,
  APIError,
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  JeweliaError,
  NotFoundError,
  RateLimitError,
  ValidationError,
  WebhookSignatureError,
} from './errors.js';
export type { ItemOf, ListEnvelope, Page, PagePromise } from './pagination.js';
export type {
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
export type { ReceiveOptions, RequestOptions } from './transport.js';
export type { StreamEvent, StreamOptions } from './stream.js';
export { verifyWebhookSignature, type VerifyOptions, type WebhookHeaders } from './webhooks.js';
// The API's request and response types (Customer, CustomerCreate, Order, ...), generated.
export type * from './generated/types.gen.js';
