import { RawBodyRequest } from '@nestjs/common';
import { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import { Readable } from 'node:stream';
import { webhookErrorReply, WebhookErrorCode } from './webhook-response';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set with `@RouteConfig(RAW_BODY_ROUTE)`: the route reads its JSON body itself from `request.rawBody`. */
    rawBody?: boolean;
  }
}

export const RAW_BODY_ROUTE = { rawBody: true };

export type RawBodyFastifyRequest = RawBodyRequest<FastifyRequest>;

const STAND_IN = Buffer.from('null');

function refuse(reply: FastifyReply, status: number, code: WebhookErrorCode, message: string): void {
  if (status === 413) reply.header('connection', 'close');
  void reply.send(webhookErrorReply(reply, status, code, message));
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** Reads a body up to `limit` bytes; null when it is larger (the rest is left to drain). */
function readBody(payload: RequestPayload, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stop();
        resolve(null);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      stop();
      reject(Object.assign(error, { statusCode: 400 }));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

/**
 * Gives routes marked with RAW_BODY_ROUTE the exact bytes they were sent, for signature checks, without
 * touching the JSON parser every other route (and GraphQL) uses. For such a route this preParsing hook
 * reads the body itself (same body limit), keeps it as `request.rawBody`, and hands Fastify's parser a
 * JSON `null` instead, so a malformed body reaches the handler, which answers it after authenticating
 * the caller. Requests it cannot hand on are answered here: not JSON (415), too large (413), empty (400).
 */
export function captureRawBodies(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    if (request.routeOptions.config.rawBody !== true) {
      done(null, payload);
      return;
    }
    if (!isJson(request.headers['content-type'])) {
      refuse(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
      return;
    }
    const limit = request.routeOptions.bodyLimit;
    if (Number(request.headers['content-length']) > limit) {
      refuse(reply, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts');
      return;
    }
    readBody(payload, limit).then(
      (body) => {
        if (body === null) {
          refuse(reply, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts');
        } else if (body.length === 0) {
          refuse(reply, 400, 'BAD_USER_INPUT', 'The request body is empty');
        } else {
          (request as RawBodyFastifyRequest).rawBody = body;
          // receivedEncodedLength: the parser compares the bytes received with Content-Length.
          done(null, Object.assign(Readable.from([STAND_IN], { objectMode: false }), { receivedEncodedLength: body.length }));
        }
      },
      (error: Error) => done(error),
    );
  });
}
