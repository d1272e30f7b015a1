import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { AddressPolicy, guardedLookup, isAllowedTarget } from './address-policy';

/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_BODY_LIMIT = 2048;

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: AddressPolicy;
}

/**
 * POSTs one delivery: a 2xx answer within the timeout is a success; anything else (another status, a
 * redirect — never followed —, a timeout, a refused or unreachable connection, an internal address under
 * the SSRF policy) is a failure with its reason. Never throws.
 */
export function sendWebhook(req: SendRequest, now: () => number = Date.now): Promise<SendOutcome> {
  const started = now();
  const done = (outcome: Omit<SendOutcome, 'durationMs'>): SendOutcome => ({ ...outcome, durationMs: Math.max(0, Math.round(now() - started)) });
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: Omit<SendOutcome, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(outcome));
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return resolve(done({ ok: false, statusCode: null, responseBody: null, error: 'The endpoint URL is not valid' }));
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !isAllowedTarget(req.policy, host, host)) {
      return resolve(done({ ok: false, statusCode: null, responseBody: null, error: `${host} is an internal address, refused (WEBHOOK_BLOCK_PRIVATE_ADDRESSES)` }));
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
      lookup: guardedLookup(req.policy) as never,
      agent: false,
    });
    const timer = setTimeout(() => {
      settle({ ok: false, statusCode: null, responseBody: null, error: `No answer within ${req.timeoutMs} ms` });
      request.destroy();
    }, req.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      settle({ ok: false, statusCode: null, responseBody: null, error: `${error.code ? `${error.code}: ` : ''}${error.message}`.slice(0, 1000) });
    });
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept >= RESPONSE_BODY_LIMIT) return;
        chunks.push(chunk);
        kept += chunk.length;
      });
      const finish = (): void => {
        // Decoding turns broken UTF-8 into U+FFFD; a NUL byte survives it, and PostgreSQL text refuses it (the attempt would never be recorded).
        const body = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8').replace(/\u0000/g, '\ufffd');
        const ok = status >= 200 && status < 300;
        let error: string | null = null;
        if (status >= 300 && status < 400) error = `Redirect (HTTP ${status}${response.headers.location ? ` to ${response.headers.location}` : ''}) not followed`;
        else if (!ok) error = `HTTP ${status}`;
        settle({ ok, statusCode: status, responseBody: body, error });
      };
      response.on('end', finish);
      response.on('error', finish);
    });
    request.end(req.body);
  });
}
