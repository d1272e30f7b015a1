import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance, FastifySerializerCompiler, RouteOptions } from 'fastify';

type Serializer = (payload: unknown) => string;

/**
 * True for `{ data }` alone, data being an object or null: what every successful GraphQL answer is. For such a
 * payload Mercurius' response schema (`data`: any object, `additionalProperties: true`) writes exactly what
 * `JSON.stringify` writes, since fast-json-stringify serializes each of `data`'s properties with
 * `JSON.stringify` too.
 */
export function isDataOnlyAnswer(payload: unknown): boolean {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return false;
  let keys = 0;
  for (const key in payload) {
    if (key !== 'data' || ++keys > 1) return false;
  }
  if (keys !== 1 || !Object.prototype.hasOwnProperty.call(payload, 'data')) return false;
  const data = (payload as { data: unknown }).data;
  return data === null || (typeof data === 'object' && !Array.isArray(data));
}

/** The schema serializer for anything else (errors: `path` items as strings, only the schema's properties). */
export function dataOnlyFastPath(schemaSerializer: Serializer): Serializer {
  return (payload) => (isDataOnlyAnswer(payload) ? JSON.stringify(payload) : schemaSerializer(payload));
}

/**
 * Mercurius answers through Fastify's serializer for its response schema, a fast-json-stringify function that
 * builds the answer by string concatenation, which Node then flattens to measure and copies to write: a second
 * and third copy of every answer (issue 10: about 15 KB of garbage and 4 % of the CPU of an uncached article).
 * For the GraphQL routes registered after this in `scope`, a successful answer (`{ data }` alone) is written
 * with `JSON.stringify` (native, one flat string, the same bytes); answers with errors or extensions still go
 * through the schema serializer, byte for byte as before.
 */
export function serializeDataOnlyAnswersNatively(scope: FastifyInstance, graphqlPath: string): void {
  const compilers = SerializerSelector()({}, {}) as FastifySerializerCompiler<unknown>;
  scope.addHook('onRoute', (route: RouteOptions) => {
    if (route.url !== graphqlPath || !route.schema?.response || route.serializerCompiler) return;
    route.serializerCompiler = (info) => dataOnlyFastPath(compilers(info) as Serializer);
  });
}
