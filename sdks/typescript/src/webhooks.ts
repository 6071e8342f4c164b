import { WebhookSignatureError } from './errors.js';

/** Request headers as fetch, Node's `req.headers` or a plain object gives them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Seconds a Standard Webhooks timestamp may be off from now (default 300). */
  tolerance?: number;
  /**
   * Accept a delivery that has only `X-Webhook-Signature` (no timestamp). Off by default: that
   * header cannot stop a replay, and every Jewelia delivery carries the timestamped headers.
   */
  allowLegacy?: boolean;
}

const SECRET_PREFIX = 'whsec_';
const LEGACY_HEADER = 'x-webhook-signature';
const encoder = new TextEncoder();

/**
 * Check that a webhook delivery was signed by Jewelia with `secret`; throws WebhookSignatureError
 * if not. Pass the raw body exactly as received. The Standard Webhooks headers (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) are checked, timestamp included, so a replayed
 * delivery is refused. Without them the delivery is refused, unless `allowLegacy: true`, which
 * checks `X-Webhook-Signature: sha256=<hex>` instead (no timestamp: replays are not stopped).
 */
export async function verifyWebhookSignature(
  payload: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyOptions = {},
): Promise<void> {
  const body: Bytes =
    typeof payload === 'string' ? encoder.encode(payload) : new Uint8Array(payload);
  const header = headerReader(headers);
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (id || timestamp || signatures) {
    if (!(id && timestamp && signatures)) {
      throw new WebhookSignatureError(
        'Missing webhook-id, webhook-timestamp or webhook-signature header',
      );
    }
    await verifyStandard(body, id, timestamp.trim(), signatures, secret, options.tolerance ?? 300);
    return;
  }
  if (!options.allowLegacy) {
    throw new WebhookSignatureError(
      'no webhook-timestamp: pass allowLegacy: true only for receivers that cannot get the ' +
        'timestamped headers; it cannot stop replays',
    );
  }
  const legacy = header(LEGACY_HEADER);
  if (!legacy) {
    throw new WebhookSignatureError(
      'Missing signature headers (webhook-signature or X-Webhook-Signature)',
    );
  }
  await verifyLegacy(body, legacy.trim(), secret);
}

type Bytes = Uint8Array<ArrayBuffer>;

async function verifyStandard(
  body: Bytes,
  id: string,
  timestamp: string,
  signatures: string,
  secret: string,
  toleranceSeconds: number,
): Promise<void> {
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WebhookSignatureError('webhook-timestamp must be Unix seconds');
  }
  const sent = Number(timestamp);
  const now = Date.now() / 1000;
  if (sent < now - toleranceSeconds) {
    throw new WebhookSignatureError(
      `Timestamp too old (more than ${toleranceSeconds} s): a replay?`,
    );
  }
  if (sent > now + toleranceSeconds) {
    throw new WebhookSignatureError(`Timestamp too new (more than ${toleranceSeconds} s ahead)`);
  }
  const key = await hmacKey(standardKey(secret));
  const signed = concat(encoder.encode(`${id}.${timestamp}.`), body);
  for (const entry of signatures.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const signature = decodeBase64(entry.slice(comma + 1));
    if (signature && (await crypto.subtle.verify('HMAC', key, signature, signed))) return;
  }
  throw new WebhookSignatureError(
    'No v1 signature in webhook-signature matches this secret and body',
  );
}

async function verifyLegacy(body: Bytes, header: string, secret: string): Promise<void> {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header);
  if (!match) {
    throw new WebhookSignatureError('X-Webhook-Signature must look like sha256=<hex>');
  }
  const signature = new Uint8Array(32);
  for (let i = 0; i < 32; i++) signature[i] = parseInt(match[1]!.slice(2 * i, 2 * i + 2), 16);
  const key = await hmacKey(encoder.encode(secret));
  if (!(await crypto.subtle.verify('HMAC', key, signature, body))) {
    throw new WebhookSignatureError('X-Webhook-Signature does not match this secret and body');
  }
}

/**
 * Headers an incoming-webhook sender adds for `body` (the exact bytes sent):
 * `X-Webhook-Signature: sha256=<hex HMAC-SHA256, key = secret's UTF-8>` and, unless the body has
 * its own `timestamp`, `webhook-timestamp` (Unix seconds; the server wants one within 5 minutes).
 */
export async function inboundSignatureHeaders(
  body: string,
  secret: string,
  bodyHasTimestamp: boolean,
): Promise<Record<string, string>> {
  if (!secret) throw new TypeError("signingSecret is required: the source's secret (whsec_...)");
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(body)));
  const hex = Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
  const headers: Record<string, string> = { 'X-Webhook-Signature': `sha256=${hex}` };
  if (!bodyHasTimestamp) headers['webhook-timestamp'] = String(Math.floor(Date.now() / 1000));
  return headers;
}

/** The Standard Webhooks key: base64-decoded after `whsec_`, else the secret's UTF-8 bytes. */
function standardKey(secret: string): Bytes {
  if (!secret.startsWith(SECRET_PREFIX)) return encoder.encode(secret);
  const key = decodeBase64(secret.slice(SECRET_PREFIX.length));
  if (!key || key.length === 0) {
    throw new WebhookSignatureError('A whsec_ secret must be followed by base64');
  }
  return key;
}

function hmacKey(raw: Bytes): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

/** Strict base64 (padding optional); null when the text is not base64. */
function decodeBase64(text: string): Bytes | null {
  const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(padded) || padded.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function concat(a: Bytes, b: Bytes): Bytes {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function headerReader(headers: WebhookHeaders): (name: string) => string | undefined {
  if (headers instanceof Headers) {
    return (name) => headers.get(name) ?? undefined;
  }
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    lower.set(name.toLowerCase(), Array.isArray(value) ? value.join(' ') : String(value));
  }
  return (name) => lower.get(name);
}
