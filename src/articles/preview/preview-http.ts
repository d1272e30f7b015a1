import type { FastifyRequest } from 'fastify';
import type { GraphqlRequestContext } from '../../common/graphql/graphql-request-context';

/** The request header a front-end's preview mode sends the token in (Next.js draft mode, Nuxt preview). */
export const PREVIEW_TOKEN_HEADER = 'x-preview-token';

/** Set on a response that served at least one head draft. */
export const PREVIEW_RESPONSE_HEADER = 'x-preview';

/** Whether a request carries a preview token: then nothing about it is cached (response cache, HTTP caches). */
export function hasPreviewToken(request: FastifyRequest): boolean {
  return request.headers[PREVIEW_TOKEN_HEADER] !== undefined;
}

/** The preview token of a GraphQL request, undefined when none was sent (an empty header is a malformed token). */
export function previewTokenOf(context: GraphqlRequestContext): string | undefined {
  const value = context.req.headers[PREVIEW_TOKEN_HEADER];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim();
}
