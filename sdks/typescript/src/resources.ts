// One class per API resource, one method per operation (names from the OpenAPI document's
// x-sdk-resource / x-sdk-method). Path parameters come first, in path order, then the request
// body, then the query parameters as one object; every method takes RequestOptions last.
import type { Core } from './core.js';
import * as ops from './generated/sdk.gen.js';
import type * as T from './generated/types.gen.js';
import type { PagePromise } from './pagination.js';
import type { ReceiveOptions, RequestOptions } from './transport.js';
import { inboundSignatureHeaders } from './webhooks.js';

abstract class Resource {
  constructor(protected readonly core: Core) {}
}

/** `client.customers`: the CRM's customers. */
export class Customers extends Resource {
  /** A page of customers (`search` matches name, email, phone, company); iterable over all. */
  list(
    params?: T.ListCustomersData['query'],
    options?: RequestOptions,
  ): PagePromise<T.CustomerList> {
    return this.core.list(
      params,
      'cursor',
      (o, query) => ops.listCustomers({ ...o, query }),
      options,
    );
  }

  create(body: T.CustomerCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createCustomer({ ...o, body }), options);
  }

  get(customerId: string, options?: RequestOptions) {
    return this.core.call(
      (o) => ops.getCustomer({ ...o, path: { customer_id: customerId } }),
      options,
    );
  }

  /** PUT: every field given replaces the stored one. */
  replace(customerId: string, body: T.CustomerUpdate, options?: RequestOptions) {
    const path = { customer_id: customerId };
    return this.core.call((o) => ops.replaceCustomer({ ...o, path, body }), options);
  }

  /** PATCH: only the fields given change. */
  update(customerId: string, body: T.CustomerUpdate, options?: RequestOptions) {
    const path = { customer_id: customerId };
    return this.core.call((o) => ops.updateCustomer({ ...o, path, body }), options);
  }

  delete(customerId: string, options?: RequestOptions) {
    const path = { customer_id: customerId };
    return this.core.call((o) => ops.deleteCustomer({ ...o, path }), options);
  }
}

/** `client.inventory`: stock items. */
export class Inventory extends Resource {
  list(params?: T.ListInventoryData['query'], options?: RequestOptions): PagePromise<T.ItemList> {
    return this.core.list(
      params,
      'cursor',
      (o, query) => ops.listInventory({ ...o, query }),
      options,
    );
  }

  create(body: T.ItemCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createInventoryItem({ ...o, body }), options);
  }

  get(itemId: string, options?: RequestOptions) {
    return this.core.call(
      (o) => ops.getInventoryItem({ ...o, path: { item_id: itemId } }),
      options,
    );
  }

  replace(itemId: string, body: T.ItemUpdate, options?: RequestOptions) {
    const path = { item_id: itemId };
    return this.core.call((o) => ops.replaceInventoryItem({ ...o, path, body }), options);
  }

  update(itemId: string, body: T.ItemUpdate, options?: RequestOptions) {
    const path = { item_id: itemId };
    return this.core.call((o) => ops.updateInventoryItem({ ...o, path, body }), options);
  }

  delete(itemId: string, options?: RequestOptions) {
    const path = { item_id: itemId };
    return this.core.call((o) => ops.deleteInventoryItem({ ...o, path }), options);
  }
}

/** `client.orders`: orders and their lines. */
export class Orders extends Resource {
  list(params?: T.ListOrdersData['query'], options?: RequestOptions): PagePromise<T.OrderList> {
    return this.core.list(params, 'cursor', (o, query) => ops.listOrders({ ...o, query }), options);
  }

  create(body: T.OrderCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createOrder({ ...o, body }), options);
  }

  get(orderId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.getOrder({ ...o, path: { order_id: orderId } }), options);
  }

  replace(orderId: string, body: T.OrderUpdate, options?: RequestOptions) {
    const path = { order_id: orderId };
    return this.core.call((o) => ops.replaceOrder({ ...o, path, body }), options);
  }

  update(orderId: string, body: T.OrderUpdate, options?: RequestOptions) {
    const path = { order_id: orderId };
    return this.core.call((o) => ops.updateOrder({ ...o, path, body }), options);
  }
}

/** `client.apiKeys`: the business's API keys. */
export class ApiKeys extends Resource {
  list(options?: RequestOptions): PagePromise<T.ApiKeyList> {
    return this.core.list({}, 'single', (o) => ops.listApiKeys(o), options);
  }

  /** The response carries the key's secret, shown this once. */
  create(body: T.ApiKeyCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createApiKey({ ...o, body }), options);
  }

  get(keyId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.getApiKey({ ...o, path: { key_id: keyId } }), options);
  }

  /** Change the name, the hourly limit or the IP allow-list. */
  update(keyId: string, body: T.ApiKeyUpdate, options?: RequestOptions) {
    const path = { key_id: keyId };
    return this.core.call((o) => ops.updateApiKey({ ...o, path, body }), options);
  }

  revoke(keyId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.revokeApiKey({ ...o, path: { key_id: keyId } }), options);
  }

  /** A new secret; the old one keeps working for `grace_period_hours` (default 24). */
  rotate(keyId: string, body: T.ApiKeyRotate = {}, options?: RequestOptions) {
    const path = { key_id: keyId };
    return this.core.call((o) => ops.rotateApiKey({ ...o, path, body }), options);
  }
}

/** `client.auth`: JWTs for a user (email and password), and refreshing them. */
export class Auth extends Resource {
  createToken(body: T.TokenRequest, options?: RequestOptions) {
    return this.core.call((o) => ops.createToken({ ...o, body }), options);
  }

  refresh(body: T.RefreshRequest, options?: RequestOptions) {
    return this.core.call((o) => ops.refreshToken({ ...o, body }), options);
  }
}

/** `client.webhooks`: outbound webhook endpoints and their deliveries. */
export class Webhooks extends Resource {
  list(params?: T.ListWebhooksData['query'], options?: RequestOptions): PagePromise<T.WebhookList> {
    return this.core.list(params, 'page', (o, query) => ops.listWebhooks({ ...o, query }), options);
  }

  /** The response carries the endpoint's signing secret. */
  create(body: T.WebhookCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createWebhook({ ...o, body }), options);
  }

  get(webhookId: string, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.getWebhook({ ...o, path }), options);
  }

  replace(webhookId: string, body: T.WebhookUpdate, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.replaceWebhook({ ...o, path, body }), options);
  }

  update(webhookId: string, body: T.WebhookUpdate, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.updateWebhook({ ...o, path, body }), options);
  }

  delete(webhookId: string, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.deleteWebhook({ ...o, path }), options);
  }

  disable(webhookId: string, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.disableWebhook({ ...o, path }), options);
  }

  enable(webhookId: string, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.enableWebhook({ ...o, path }), options);
  }

  /** A new signing secret (or the one given); the old one signs too during the overlap. */
  rotateSecret(webhookId: string, body: T.SecretRotate = {}, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.rotateWebhookSecret({ ...o, path, body }), options);
  }

  /** Send a test event to the endpoint. */
  sendTestEvent(webhookId: string, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.sendWebhookTestEvent({ ...o, path }), options);
  }

  listDeliveries(
    webhookId: string,
    params?: T.ListWebhookDeliveriesData['query'],
    options?: RequestOptions,
  ): PagePromise<T.DeliveryList> {
    const path = { webhook_id: webhookId };
    return this.core.list(
      params,
      'page',
      (o, query) => ops.listWebhookDeliveries({ ...o, path, query }),
      options,
    );
  }

  getDelivery(deliveryId: string, options?: RequestOptions) {
    const path = { delivery_id: deliveryId };
    return this.core.call((o) => ops.getWebhookDelivery({ ...o, path }), options);
  }

  replayDelivery(deliveryId: string, options?: RequestOptions) {
    const path = { delivery_id: deliveryId };
    return this.core.call((o) => ops.replayWebhookDelivery({ ...o, path }), options);
  }

  /** Send again every failed delivery since a time. */
  recover(webhookId: string, body: T.RecoverRequest, options?: RequestOptions) {
    const path = { webhook_id: webhookId };
    return this.core.call((o) => ops.recoverWebhookDeliveries({ ...o, path, body }), options);
  }
}

/** `client.webhookTools`: the event catalog, templates and signing tools. */
export class WebhookTools extends Resource {
  listEvents(options?: RequestOptions) {
    return this.core.call((o) => ops.listWebhookEvents(o), options);
  }

  listTemplates(params?: T.ListWebhookTemplatesData['query'], options?: RequestOptions) {
    return this.core.call((o) => ops.listWebhookTemplates({ ...o, query: params }), options);
  }

  sendTest(body: T.WebhookTestIn, options?: RequestOptions) {
    return this.core.call((o) => ops.sendWebhookTest({ ...o, body }), options);
  }

  render(body: T.RenderIn, options?: RequestOptions) {
    return this.core.call((o) => ops.renderWebhookTemplate({ ...o, body }), options);
  }

  sign(body: T.SignatureIn, options?: RequestOptions) {
    return this.core.call((o) => ops.generateWebhookSignature({ ...o, body }), options);
  }

  validate(body: T.ValidateIn, options?: RequestOptions) {
    return this.core.call((o) => ops.validateWebhookPayload({ ...o, body }), options);
  }

  verify(body: T.VerifyIn, options?: RequestOptions) {
    return this.core.call((o) => ops.verifyWebhookSignature({ ...o, body }), options);
  }
}

/** `client.inboundWebhooks`: sources that send events to this business. */
export class InboundWebhooks extends Resource {
  list(options?: RequestOptions): PagePromise<T.InboundSourceList> {
    return this.core.list({}, 'single', (o) => ops.listInboundSources(o), options);
  }

  /** The response carries the source's secret. */
  create(body: T.InboundSourceCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createInboundSource({ ...o, body }), options);
  }

  get(sourceId: string, options?: RequestOptions) {
    const path = { source_id: sourceId };
    return this.core.call((o) => ops.getInboundSource({ ...o, path }), options);
  }

  delete(sourceId: string, options?: RequestOptions) {
    const path = { source_id: sourceId };
    return this.core.call((o) => ops.deleteInboundSource({ ...o, path }), options);
  }

  listEvents(
    sourceId: string,
    params?: T.ListInboundEventsData['query'],
    options?: RequestOptions,
  ): PagePromise<T.InboundEventList> {
    const path = { source_id: sourceId };
    return this.core.list(
      params,
      'page',
      (o, query) => ops.listInboundEvents({ ...o, path, query }),
      options,
    );
  }

  rotateSecret(sourceId: string, body: T.InboundSecretRotate = {}, options?: RequestOptions) {
    const path = { source_id: sourceId };
    return this.core.call((o) => ops.rotateInboundSourceSecret({ ...o, path, body }), options);
  }

  /**
   * Deliver an event as the sender would: the body is serialized once and exactly those bytes
   * are signed with `signingSecret` (`X-Webhook-Signature`) and sent, with a `webhook-timestamp`
   * unless the body has a `timestamp`. No API key is needed (none is sent).
   */
  async receive(sourceId: string, body: T.ReceiveWebhookData['body'], options: ReceiveOptions) {
    const { signingSecret, ...rest } = options ?? {};
    const raw = JSON.stringify(body);
    const signed = await inboundSignatureHeaders(raw, signingSecret, 'timestamp' in body);
    const headers = { ...rest.headers, ...signed };
    const path = { integration_id: sourceId };
    return this.core.call(
      (o) => ops.receiveWebhook({ ...o, path, body, bodySerializer: () => raw }),
      { ...rest, headers },
    );
  }
}

type ImportExportListParams = Omit<NonNullable<T.GetImportExportData['query']>, 'jobId'>;

/** `client.importExport`: import and export jobs. */
export class ImportExport extends Resource {
  /** One job by `jobId`; otherwise a page of jobs, iterable over all. */
  list(params: { jobId: string }, options?: RequestOptions): Promise<T.Job>;
  list(params?: ImportExportListParams, options?: RequestOptions): PagePromise<T.JobList>;
  list(
    params?: T.GetImportExportData['query'],
    options?: RequestOptions,
  ): Promise<T.Job> | PagePromise<T.JobList> {
    if (params?.jobId) {
      const query = params;
      const job = this.core.call((o) => ops.getImportExport({ ...o, query }), options);
      return job as Promise<T.Job>;
    }
    return this.core.list<T.JobList, ImportExportListParams>(
      params,
      'page',
      async (o, query) => {
        const result = await ops.getImportExport({ ...o, query });
        return { ...result, data: result.data as T.JobList | undefined };
      },
      options,
    );
  }

  /** Start an import (`{action: 'import'}`), an export (`'export'`) or cancel (`'cancel'`). */
  start(
    body: T.StartImportExportData['body'],
    params: T.StartImportExportData['query'],
    options?: RequestOptions,
  ) {
    return this.core.call((o) => ops.startImportExport({ ...o, body, query: params }), options);
  }

  /** The first rows of an import's file as they would be read. */
  preview(jobId: string, params?: T.PreviewImportData['query'], options?: RequestOptions) {
    const path = { job_id: jobId };
    return this.core.call((o) => ops.previewImport({ ...o, path, query: params }), options);
  }

  /** Run an import again, optionally with another mapping or options. */
  run(jobId: string, body: T.RunAgain = {}, options?: RequestOptions) {
    const path = { job_id: jobId };
    return this.core.call((o) => ops.rerunImport({ ...o, path, body }), options);
  }

  cancel(jobId: string, options?: RequestOptions) {
    const path = { job_id: jobId };
    return this.core.call((o) => ops.cancelImportExport({ ...o, path }), options);
  }

  listErrors(
    jobId: string,
    params?: T.ListImportErrorsData['query'],
    options?: RequestOptions,
  ): PagePromise<T.RowErrorList> {
    const path = { job_id: jobId };
    return this.core.list(
      params,
      'page',
      (o, query) => ops.listImportErrors({ ...o, path, query }),
      options,
    );
  }

  /** An export's file, by the download token in the job's result. */
  download(token: string, options?: RequestOptions): Promise<Uint8Array> {
    const path = { token };
    return this.core.bytes(
      (o) => ops.downloadImportExportFile({ ...o, path, parseAs: 'arrayBuffer' }),
      options,
    );
  }
}

/** `client.marketplace`: browse integrations and review them. */
export class Marketplace extends Resource {
  /** A page of listings with facets; iterable over all matching listings. */
  list(
    params?: T.BrowseMarketplaceData['query'],
    options?: RequestOptions,
  ): PagePromise<T.MarketplaceList> {
    return this.core.list(
      params,
      'cursor',
      (o, query) => ops.browseMarketplace({ ...o, query }),
      options,
    );
  }

  /** A listing by id or slug. */
  get(listing: string, options?: RequestOptions) {
    const path = { listing };
    return this.core.call((o) => ops.getMarketplaceListing({ ...o, path }), options);
  }

  listReviews(
    listingId: string,
    params?: T.ListMarketplaceReviewsData['query'],
    options?: RequestOptions,
  ): PagePromise<T.ReviewList> {
    const path = { listing_id: listingId };
    return this.core.list(
      params,
      'page',
      (o, query) => ops.listMarketplaceReviews({ ...o, path, query }),
      options,
    );
  }

  createReview(listingId: string, body: T.ReviewWrite, options?: RequestOptions) {
    const path = { listing_id: listingId };
    return this.core.call((o) => ops.createMarketplaceReview({ ...o, path, body }), options);
  }

  /** Create or replace this business's review of the listing. */
  putReview(listingId: string, body: T.ReviewWrite, options?: RequestOptions) {
    const path = { listing_id: listingId };
    return this.core.call((o) => ops.putMarketplaceReview({ ...o, path, body }), options);
  }

  reportReview(
    listingId: string,
    reviewId: string,
    body: T.ReportCreate,
    options?: RequestOptions,
  ) {
    const path = { listing_id: listingId, review_id: reviewId };
    return this.core.call((o) => ops.reportMarketplaceReview({ ...o, path, body }), options);
  }

  /**
   * An app reports usage with its own token: priced at the per-unit amount the business
   * accepted (a later listing price change needs a new acceptance), refused whole over the
   * business's monthly cap (USAGE_CAP_EXCEEDED). `idempotencyKey` in the body
   * (or the request's Idempotency-Key) makes a resend return the recorded report.
   */
  reportUsage(body: T.UsageCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.reportAppUsage({ ...o, body }), options);
  }

  /** This period's usage reports of the app (with `summary`: total, cap, remaining); iterable. */
  listUsage(
    params?: T.ListAppUsageData['query'],
    options?: RequestOptions,
  ): PagePromise<T.UsageList> {
    return this.core.list(params, 'page', (o, query) => ops.listAppUsage({ ...o, query }), options);
  }

  /** The business's app charges (one-time, subscription, usage cap) with their payments; iterable. */
  listAppCharges(
    params?: T.ListAppChargesData['query'],
    options?: RequestOptions,
  ): PagePromise<T.AppChargeList> {
    return this.core.list(
      params,
      'page',
      (o, query) => ops.listAppCharges({ ...o, query }),
      options,
    );
  }

  /** One app charge of the business (another business's is NOT_FOUND). */
  getAppCharge(chargeId: string, options?: RequestOptions) {
    const path = { charge_id: chargeId };
    return this.core.call((o) => ops.getAppCharge({ ...o, path }), options);
  }
}

/** `client.builder`: integration builder flows (a draft you edit), their versions and runs. */
export class Builder extends Resource {
  /** A page of flows, newest first (`template`, `isActive`, `search` in the name); iterable. */
  list(params?: T.ListFlowsData['query'], options?: RequestOptions): PagePromise<T.FlowList> {
    return this.core.list(params, 'cursor', (o, query) => ops.listFlows({ ...o, query }), options);
  }

  /** The configuration becomes the draft; `isActive: true` also publishes it as version 1. */
  create(body: T.FlowCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createFlow({ ...o, body }), options);
  }

  /** The flow's `id` goes in the body; `configuration` edits the draft (publish to run it). */
  update(body: T.FlowUpdate, options?: RequestOptions) {
    return this.core.call((o) => ops.updateFlow({ ...o, body }), options);
  }

  get(flowId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.getFlow({ ...o, path: { flow_id: flowId } }), options);
  }

  /** The flow goes; its versions stay for the runs that use them. */
  delete(flowId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.deleteFlow({ ...o, path: { flow_id: flowId } }), options);
  }

  /** The draft becomes the next immutable version (the current one when nothing changed). */
  publish(flowId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.publishFlow({ ...o, path: { flow_id: flowId } }), options);
  }

  listVersions(
    flowId: string,
    params?: T.ListFlowVersionsData['query'],
    options?: RequestOptions,
  ): PagePromise<T.FlowVersionList> {
    const path = { flow_id: flowId };
    return this.core.list(
      params,
      'page',
      (o, query) => ops.listFlowVersions({ ...o, path, query }),
      options,
    );
  }

  /** Run now (api_call): `payload` is the run's `trigger`; `version` defaults to the current. */
  run(flowId: string, body: T.RunRequest = {}, options?: RequestOptions) {
    const path = { flow_id: flowId };
    return this.core.call((o) => ops.runFlow({ ...o, path, body }), options);
  }

  /** A page of runs, newest first (`flow_id`, `status`, `version`, `trigger`, time); iterable. */
  listRuns(
    params?: T.ListFlowRunsData['query'],
    options?: RequestOptions,
  ): PagePromise<T.FlowRunList> {
    return this.core.list(
      params,
      'cursor',
      (o, query) => ops.listFlowRuns({ ...o, query }),
      options,
    );
  }

  /** A run with its trigger payload and its steps, in the order they started. */
  getRun(runId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.getFlowRun({ ...o, path: { run_id: runId } }), options);
  }

  /** Run a failed run again from its failed step (earlier steps are not repeated). */
  retryRun(runId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.retryFlowRun({ ...o, path: { run_id: runId } }), options);
  }

  /** Cancel an open run (at once when it waits, else before its next step). */
  cancelRun(runId: string, options?: RequestOptions) {
    return this.core.call((o) => ops.cancelFlowRun({ ...o, path: { run_id: runId } }), options);
  }

  /** A new signing secret for the flow's webhook URL: {url, secret}, the secret shown this once. */
  rotateWebhook(flowId: string, options?: RequestOptions) {
    const path = { flow_id: flowId };
    return this.core.call((o) => ops.rotateFlowWebhook({ ...o, path }), options);
  }

  /** A flow's run stats over `window` (24h, 7d or 30d): runs by status, success rate, p50/p95. */
  stats(flowId: string, params?: T.GetFlowStatsData['query'], options?: RequestOptions) {
    const path = { flow_id: flowId };
    return this.core.call((o) => ops.getFlowStats({ ...o, path, query: params }), options);
  }

  /** The eight flow templates, with the settings each asks for. */
  listTemplates(options?: RequestOptions) {
    return this.core.call((o) => ops.listFlowTemplates(o), options);
  }

  /** One flow template with its configuration (settings at their defaults). */
  getTemplate(name: string, options?: RequestOptions) {
    return this.core.call((o) => ops.getFlowTemplate({ ...o, path: { name } }), options);
  }

  /** A published version as a runnable program (a zip): `language` typescript or python. */
  exportCode(
    flowId: string,
    number: number,
    params?: T.ExportFlowCodeData['query'],
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    const path = { flow_id: flowId, number };
    return this.core.bytes(
      (o) => ops.exportFlowCode({ ...o, path, query: params, parseAs: 'arrayBuffer' }),
      options,
    );
  }

  /** Test one step: pinned `input` {trigger, steps} or a run's recorded input (`runId`); the
   * draft unless `version`; `simulate` says what it would do. No earlier step runs; not a run. */
  testStep(flowId: string, stepId: string, body: T.StepTestRequest = {}, options?: RequestOptions) {
    const path = { flow_id: flowId, step_id: stepId };
    return this.core.call((o) => ops.testFlowStep({ ...o, path, body }), options);
  }

  /** Walk the whole flow in memory with `payload` as the trigger, side effects simulated. */
  dryRun(flowId: string, body: T.DryRunRequest = {}, options?: RequestOptions) {
    const path = { flow_id: flowId };
    return this.core.call((o) => ops.dryRunFlow({ ...o, path, body }), options);
  }

  /** Upload a CSV, JSON or XLSX file (max 10 MB) for the flow's file steps to read. */
  uploadFile(flowId: string, body: T.FlowFileUpload, options?: RequestOptions) {
    const path = { flow_id: flowId };
    return this.core.call((o) => ops.uploadFlowFile({ ...o, path, body }), options);
  }

  /** A page of the flow's files (uploaded and written), each with a signed link; iterable. */
  listFiles(
    flowId: string,
    params?: T.ListFlowFilesData['query'],
    options?: RequestOptions,
  ): PagePromise<T.FlowFileList> {
    const path = { flow_id: flowId };
    return this.core.list(
      params,
      'cursor',
      (o, query) => ops.listFlowFiles({ ...o, path, query }),
      options,
    );
  }

  deleteFile(flowId: string, fileId: string, options?: RequestOptions) {
    const path = { flow_id: flowId, file_id: fileId };
    return this.core.call((o) => ops.deleteFlowFile({ ...o, path }), options);
  }

  /** Set a flow secret (used as `{{ secrets.NAME }}`); the value is never returned. */
  setSecret(flowId: string, name: string, body: T.FlowSecretSet, options?: RequestOptions) {
    const path = { flow_id: flowId, name };
    return this.core.call((o) => ops.setFlowSecret({ ...o, path, body }), options);
  }

  /** The flow's secrets: names, times and masked previews (never values). */
  listSecrets(flowId: string, options?: RequestOptions) {
    const path = { flow_id: flowId };
    return this.core.call((o) => ops.listFlowSecrets({ ...o, path }), options);
  }

  deleteSecret(flowId: string, name: string, options?: RequestOptions) {
    const path = { flow_id: flowId, name };
    return this.core.call((o) => ops.deleteFlowSecret({ ...o, path }), options);
  }

  /** A flow file's bytes, by the token of its signed link (`downloadUrl`). */
  downloadFile(token: string, options?: RequestOptions): Promise<Uint8Array> {
    const path = { token };
    return this.core.bytes(
      (o) => ops.downloadFlowFile({ ...o, path, parseAs: 'arrayBuffer' }),
      options,
    );
  }
}

/** `client.notifications`: the business's in-app notifications (the app's bell). */
export class Notifications extends Resource {
  /** A page of notifications, newest first (`unread` to filter); iterable. */
  list(
    params?: T.ListNotificationsData['query'],
    options?: RequestOptions,
  ): PagePromise<T.NotificationList> {
    return this.core.list(
      params,
      'cursor',
      (o, query) => ops.listNotifications({ ...o, query }),
      options,
    );
  }

  /** {unread}: how many notifications no member has read. */
  unreadCount(options?: RequestOptions) {
    return this.core.call((o) => ops.countUnreadNotifications(o), options);
  }

  markRead(notificationId: string, options?: RequestOptions) {
    const path = { notification_id: notificationId };
    return this.core.call((o) => ops.markNotificationRead({ ...o, path }), options);
  }

  /** {marked, unread}: every notification marked read. */
  markAllRead(options?: RequestOptions) {
    return this.core.call((o) => ops.markAllNotificationsRead(o), options);
  }
}

/** `client.alerts`: alert rules on the business's API traffic and their incidents. */
export class Alerts extends Resource {
  /** A page of alert rules, oldest first; iterable. */
  list(
    params?: T.ListAlertRulesData['query'],
    options?: RequestOptions,
  ): PagePromise<T.AlertRuleList> {
    return this.core.list(params, 'page', (o, query) => ops.listAlertRules({ ...o, query }), options);
  }

  /** A rule on error_rate, p95_latency, request_volume or hourly_limit_share (admin). */
  create(body: T.AlertRuleCreate, options?: RequestOptions) {
    return this.core.call((o) => ops.createAlertRule({ ...o, body }), options);
  }

  get(ruleId: string, options?: RequestOptions) {
    const path = { rule_id: ruleId };
    return this.core.call((o) => ops.getAlertRule({ ...o, path }), options);
  }

  update(ruleId: string, body: T.AlertRuleUpdate, options?: RequestOptions) {
    const path = { rule_id: ruleId };
    return this.core.call((o) => ops.updateAlertRule({ ...o, path, body }), options);
  }

  delete(ruleId: string, options?: RequestOptions) {
    const path = { rule_id: ruleId };
    return this.core.call((o) => ops.deleteAlertRule({ ...o, path }), options);
  }

  /** A page of incidents, newest first (`state: 'open'` for the open ones); iterable. */
  listIncidents(
    params?: T.ListAlertIncidentsData['query'],
    options?: RequestOptions,
  ): PagePromise<T.AlertIncidentList> {
    return this.core.list(
      params,
      'page',
      (o, query) => ops.listAlertIncidents({ ...o, query }),
      options,
    );
  }

  getIncident(incidentId: string, options?: RequestOptions) {
    const path = { incident_id: incidentId };
    return this.core.call((o) => ops.getAlertIncident({ ...o, path }), options);
  }

  /** Stop re-notifying an open incident; it resolves when the condition clears. */
  acknowledge(incidentId: string, options?: RequestOptions) {
    const path = { incident_id: incidentId };
    return this.core.call((o) => ops.acknowledgeAlertIncident({ ...o, path }), options);
  }

  /** Resolve an open incident (sends alert.resolved). */
  resolve(incidentId: string, options?: RequestOptions) {
    const path = { incident_id: incidentId };
    return this.core.call((o) => ops.resolveAlertIncident({ ...o, path }), options);
  }
}

/** `client.analytics`: the business's API usage, and a client's own request log lines. */
export class Analytics extends Resource {
  /** Requests, failures and latency (avg, p95) by hour, day or week, endpoint and key. */
  getApiUsage(params?: T.GetApiUsageData['query'], options?: RequestOptions) {
    return this.core.call((o) => ops.getApiUsage({ ...o, query: params }), options);
  }

  /** Log a request as the client measured it; kept apart from server figures (source=client). */
  logApiUsage(body: T.ApiUsageLog, options?: RequestOptions) {
    return this.core.call((o) => ops.logApiUsage({ ...o, body }), options);
  }
}
