// A program using the packed @jewelia/api-client the way a customer would; the Python test
// type-checks it (tsc --noEmit, strict), compiles it, runs one scenario per process
// (`node out/story.js <scenario>`) against the live server and asserts on the JSON it prints.
import { readFileSync } from "node:fs";

import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  ConflictError,
  JeweliaClient,
  JeweliaError,
  NotFoundError,
  RateLimitError,
  ValidationError,
  WebhookSignatureError,
  verifyWebhookSignature,
  type Customer,
  type StreamEvent,
  type Page,
  type CustomerList,
} from "@jewelia/api-client";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const apiKey = env("JEWELIA_API_KEY");
const baseUrl = env("JEWELIA_BASE_URL");

async function expectError<E extends JeweliaError>(
  kind: new (...args: never[]) => E,
  call: () => Promise<unknown>,
): Promise<E> {
  try {
    await call();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected ${kind.name}, the call succeeded`);
}

/** The contract's calls verbatim, then CRUD on customers, inventory and orders. */
async function contract() {
  const client = new JeweliaClient({
    apiKey: apiKey,
    baseUrl: baseUrl,
  });
  const john = await client.customers.create({
    full_name: "John Appleseed",
    email: "john@example.com",
  });

  // List customers
  const customers = await client.customers.list({
    page: 1,
    limit: 20,
    search: "john",
  });

  // Create customer
  const customer = await client.customers.create({
    full_name: "Jane Smith",
    email: "jane@example.com",
  });

  const fetched = await client.customers.get(customer.id);
  const updated = await client.customers.update(customer.id, {
    phone: "+1 555 0100",
  });
  const replaced = await client.customers.replace(john.id, {
    full_name: "John A. Appleseed",
  });
  const deleted = await client.customers.delete(john.id);
  const gone = await expectError(NotFoundError, () =>
    client.customers.get(john.id),
  );

  const item = await client.inventory.create({
    sku: "RING-001",
    name: "Solitaire ring",
    category: "rings",
    price: 1250.5,
    quantity: 3,
  });
  const itemFetched = await client.inventory.get(item.id);
  const itemUpdated = await client.inventory.update(item.id, { quantity: 5 });
  const inventoryPage = await client.inventory.list({ limit: 10 });

  const order = await client.orders.create({
    customer_id: customer.id,
    items: [{ inventory_id: item.id, quantity: 2 }],
  });
  const orderFetched = await client.orders.get(order.id);
  const orderUpdated = await client.orders.update(order.id, {
    status: "confirmed",
  });
  const ordersPage = await client.orders.list({ customer_id: customer.id });

  const spare = await client.inventory.create({
    sku: "PEND-002",
    name: "Pendant",
    category: "pendants",
    price: 99,
  });
  const spareDeleted = await client.inventory.delete(spare.id);

  return {
    john_id: john.id,
    search: {
      names: customers.data.map((c) => c.full_name),
      pagination: customers.pagination,
      has_more: customers.has_more,
    },
    customer: {
      id: customer.id,
      full_name: customer.full_name,
      email: customer.email,
    },
    fetched_name: fetched.full_name,
    updated_phone: updated.phone,
    replaced_name: replaced.full_name,
    deleted,
    not_found: {
      status: gone.status,
      code: gone.code,
      request_id: gone.requestId,
    },
    item: {
      id: item.id,
      sku: item.sku,
      fetched_sku: itemFetched.sku,
      quantity: itemUpdated.quantity,
    },
    inventory_ids: inventoryPage.data.map((i) => i.id),
    spare: { id: spare.id, deleted: spareDeleted.deleted },
    order: {
      id: order.id,
      customer_id: order.customer_id,
      fetched_id: orderFetched.id,
      status: orderUpdated.status,
    },
    order_ids: ordersPage.data.map((o) => o.id),
  };
}

/** 250 customers made, then walked with for-await over cursor pages of 100. */
async function pagination() {
  const client = new JeweliaClient({ apiKey, baseUrl });
  const created: string[] = [];
  for (let batch = 0; batch < 25; batch++) {
    const made = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.customers.create({
          full_name: `Paged Customer ${batch * 10 + i}`,
        }),
      ),
    );
    created.push(...made.map((c) => c.id));
  }
  const seen: string[] = [];
  for await (const c of client.customers.list({ limit: 100 })) {
    const one: Customer = c;
    seen.push(one.id);
  }
  const first: Page<CustomerList> = await client.customers.list({ limit: 100 });
  const second = await first.nextPage();
  const third = second && (await second.nextPage());
  const fourth = third && (await third.nextPage());
  return {
    created,
    seen,
    pages: [first, second, third, fourth].map((p) =>
      p === null ? null : { count: p.data.length, has_more: p.has_more },
    ),
  };
}

/** A 429 answered by the proxy is retried after its Retry-After; without retries it is typed. */
async function rateLimit() {
  const flaky = env("JEWELIA_FLAKY_URL");
  const client = new JeweliaClient({ apiKey, baseUrl: flaky });
  const page = await client.customers.list({ limit: 5 });
  const noRetry = new JeweliaClient({ apiKey, baseUrl: flaky, maxRetries: 0 });
  const refused = await expectError(RateLimitError, () =>
    noRetry.inventory.list(),
  );
  return {
    listed: page.data.length,
    refused: {
      status: refused.status,
      code: refused.code,
      retry_after: refused.retryAfter,
      request_id: refused.requestId,
    },
  };
}

/** A POST whose answer is lost (503) is retried with the same Idempotency-Key. */
async function idempotency() {
  const client = new JeweliaClient({
    apiKey,
    baseUrl: env("JEWELIA_FLAKY_URL"),
  });
  const customer = await client.customers.create({
    full_name: "Idem Potent",
    email: "idem@example.com",
  });
  return { id: customer.id, full_name: customer.full_name };
}

/** What is retried: a 503 before the server (fail-once) and a 429 (ratelimit-once). */
async function retries() {
  const failing = new JeweliaClient({ apiKey, baseUrl: env("JEWELIA_FLAKY_URL") });
  const limited = new JeweliaClient({
    apiKey,
    baseUrl: env("JEWELIA_RATELIMIT_URL"),
  });
  const direct = new JeweliaClient({ apiKey, baseUrl });
  const target = await direct.customers.create({ full_name: "Patch Target" });
  const outcome = async (call: () => Promise<unknown>) => {
    try {
      await call();
      return "ok";
    } catch (error) {
      if (error instanceof APIError) return { name: error.name, status: error.status };
      throw error;
    }
  };
  const listed = await failing.customers.list({ limit: 1 });
  const sign = { secret: "whsec_" + "C".repeat(32), body: "{}" };
  return {
    target_id: target.id,
    get: listed.data.length,
    patch: await outcome(() => failing.customers.update(target.id, { notes: "patched" })),
    unkeyed_post: await outcome(() =>
      failing.inventory.create(
        { sku: "TS-UNKEYED", name: "Unkeyed", category: "other", price: 1 },
        { idempotencyKey: false },
      ),
    ),
    // webhookTools.sign: a POST that changes nothing
    keyed_post: (await failing.webhookTools.sign(sign)).legacySignature.slice(0, 7),
    unkeyed_post_429: (
      await limited.webhookTools.sign(sign, { idempotencyKey: false })
    ).legacySignature.slice(0, 7),
  };
}

/** An import whose JSON body is over 1 MiB, with the automatic Idempotency-Key and with none. */
async function bigImport() {
  const note = "n".repeat(1200);
  const rows = Array.from(
    { length: 900 },
    (_, n) => `Big Import ${n},big${n}@example.com,${note}`,
  );
  const csv = ["full_name,email,notes", ...rows].join("\n");
  const body = {
    type: "customers" as const,
    format: "csv" as const,
    data: Buffer.from(csv).toString("base64"),
    fileName: "big.csv",
    options: { dryRun: true },
  };
  const client = new JeweliaClient({ apiKey, baseUrl: env("JEWELIA_FLAKY_URL") });
  const keyed = await client.importExport.start(body, { action: "import" });
  const unkeyed = await client.importExport.start(
    body,
    { action: "import" },
    { idempotencyKey: false },
  );
  return {
    body_bytes: JSON.stringify(body).length,
    keyed_job: keyed.jobId,
    unkeyed_job: unkeyed.jobId,
  };
}

/** Signed events sent to an incoming-webhook source with no API key, to the bare origin. */
async function inbound() {
  const client = new JeweliaClient({ apiKey, baseUrl });
  const source = await client.inboundWebhooks.create({ name: "TS sender" });
  const sender = new JeweliaClient({ baseUrl: new URL(env("JEWELIA_FLAKY_URL")).origin });
  const event = {
    id: `evt-${crypto.randomUUID()}`,
    event: "sdk.ping",
    data: { n: 1, text: "é ü" },
  };
  const signingSecret = source.secret;
  const first = await sender.inboundWebhooks.receive(source.id, event, { signingSecret });
  const again = await sender.inboundWebhooks.receive(source.id, event, { signingSecret });
  const stamped = await sender.inboundWebhooks.receive(
    source.id,
    { event: "sdk.ping", timestamp: new Date().toISOString(), data: { stamped: true } },
    { signingSecret },
  );
  const wrong = await expectError(AuthenticationError, () =>
    sender.inboundWebhooks.receive(
      source.id,
      { ...event, id: "evt-wrong" },
      { signingSecret: "whsec_" + "B".repeat(32) },
    ),
  );
  const keyless = await expectError(JeweliaError, () => sender.customers.list());
  return {
    source_id: source.id,
    first: { duplicate: first.duplicate, status: first.status, id: first.id },
    again: { duplicate: again.duplicate, id: again.id },
    with_timestamp: { duplicate: stamped.duplicate },
    wrong_secret: { name: wrong.name, status: wrong.status },
    keyless: { name: keyless.name, status: keyless.status },
  };
}

/** Typed errors: 404 with code and request id, 422 with field details, 401. */
async function errors() {
  const client = new JeweliaClient({ apiKey, baseUrl });
  const missing = await expectError(NotFoundError, () =>
    client.customers.get("00000000-0000-4000-8000-000000000000"),
  );
  const invalid = await expectError(ValidationError, () =>
    client.customers.create({ full_name: "Bad Email", email: "not-an-email" }),
  );
  const details = Array.isArray(invalid.details) ? invalid.details : [];
  const stranger = new JeweliaClient({
    apiKey: "jw_live_not_a_real_key",
    baseUrl,
  });
  const unauthenticated = await expectError(JeweliaError, () =>
    stranger.customers.list(),
  );
  const buyer = await client.customers.create({ full_name: "Keen Buyer" });
  const lastOne = await client.inventory.create({
    sku: "LAST-1",
    name: "Last ring",
    category: "rings",
    price: 10,
    quantity: 1,
  });
  const conflict = await expectError(ConflictError, () =>
    client.orders.create({
      customer_id: buyer.id,
      items: [{ inventory_id: lastOne.id, quantity: 5 }],
    }),
  );
  // Nothing listens on port 1: a connection error, retried once, then typed.
  const nowhere = new JeweliaClient({
    apiKey,
    baseUrl: "http://127.0.0.1:1/api/v1",
    maxRetries: 1,
  });
  const unreachable = await expectError(APIConnectionError, () =>
    nowhere.customers.list(),
  );
  return {
    not_found: {
      name: missing.name,
      status: missing.status,
      code: missing.code,
      message: missing.message,
      request_id: missing.requestId,
      is_jewelia_error: missing instanceof JeweliaError,
    },
    validation: {
      name: invalid.name,
      status: invalid.status,
      code: invalid.code,
      fields: details.map((d) => d.field),
      request_id: invalid.requestId,
    },
    unauthenticated: {
      name: unauthenticated.name,
      status: unauthenticated.status,
      code: unauthenticated.code,
    },
    conflict: {
      name: conflict.name,
      status: conflict.status,
      code: conflict.code,
    },
    unreachable: {
      name: unreachable.name,
      status: unreachable.status ?? null,
      code: unreachable.code,
      is_jewelia_error: unreachable instanceof JeweliaError,
    },
  };
}

/** verifyWebhookSignature on a real delivery: accepted as sent, refused when tampered. */
async function webhook() {
  const body = readFileSync(env("JEWELIA_WEBHOOK_BODY_FILE"));
  const headers = JSON.parse(
    readFileSync(env("JEWELIA_WEBHOOK_HEADERS_FILE"), "utf8"),
  ) as Record<string, string>;
  const secret = env("JEWELIA_WEBHOOK_SECRET");
  const outcome = async (
    payload: string | Uint8Array,
    given: Record<string, string> | Headers,
    key = secret,
  ): Promise<string> => {
    try {
      await verifyWebhookSignature(payload, given, key);
      return "valid";
    } catch (error) {
      if (error instanceof WebhookSignatureError)
        return `refused: ${error.message}`;
      throw error;
    }
  };
  const tampered = new Uint8Array(body);
  const at = tampered.length - 2;
  tampered[at] = (tampered[at] ?? 0) ^ 1; // one bit of the JSON body flipped
  const legacyOnly = Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !name.toLowerCase().startsWith("webhook-"),
    ),
  );
  const stamp =
    Object.keys(headers).find((n) => n.toLowerCase() === "webhook-timestamp") ??
    "";
  const stale = { ...headers, [stamp]: String(Number(headers[stamp]) - 3600) };
  const allowLegacy = async (
    payload: Uint8Array,
    given: Record<string, string>,
  ): Promise<string> => {
    try {
      await verifyWebhookSignature(payload, given, secret, { allowLegacy: true });
      return "valid";
    } catch (error) {
      if (error instanceof WebhookSignatureError)
        return `refused: ${error.message}`;
      throw error;
    }
  };
  return {
    real_bytes: await outcome(new Uint8Array(body), headers),
    real_text: await outcome(body.toString("utf8"), new Headers(headers)),
    tampered: await outcome(tampered, headers),
    wrong_secret: await outcome(
      new Uint8Array(body),
      headers,
      "whsec_" + btoa("x".repeat(24)),
    ),
    legacy_only: await outcome(new Uint8Array(body), legacyOnly),
    legacy_allowed: await allowLegacy(new Uint8Array(body), legacyOnly),
    legacy_tampered: await allowLegacy(tampered, legacyOnly),
    stale_timestamp: await outcome(new Uint8Array(body), stale),
    stale_allowed: await allowLegacy(new Uint8Array(body), stale),
  };
}

/** Real-time events: two customers arrive as they commit; a resume replays the second. */
async function stream() {
  const client = new JeweliaClient({ apiKey, baseUrl });
  const live = new AbortController();
  const events = client.stream({ events: ["customer.*"], signal: live.signal });
  const first = events.next(); // opens the stream
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const one = await client.customers.create({ full_name: "Stream One" });
  const e1 = (await first).value as StreamEvent;
  const two = await client.customers.create({ full_name: "Stream Two" });
  const e2 = (await events.next()).value as StreamEvent;
  live.abort();
  const again = new AbortController();
  const resumed = client.stream({ events: ["customer.*"], lastEventId: e1.id, signal: again.signal });
  const replayed = (await resumed.next()).value as StreamEvent;
  again.abort();
  return {
    created: [one.id, two.id],
    received: [e1.data.id, e2.data.id],
    types: [e1.event, e2.event],
    cursors: [e1.id, e2.id],
    replayed: { id: replayed.id, customer: replayed.data.id },
  };
}

const scenarios: Record<string, () => Promise<unknown>> = {
  stream,
  contract,
  pagination,
  "rate-limit": rateLimit,
  idempotency,
  errors,
  webhook,
  retries,
  "big-import": bigImport,
  inbound,
};

const name = process.argv[2] ?? "";
const scenario = scenarios[name];
if (!scenario)
  throw new Error(
    `unknown scenario ${name}; one of ${Object.keys(scenarios).join(", ")}`,
  );
process.stdout.write(JSON.stringify(await scenario()) + "\n");
