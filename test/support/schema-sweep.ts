/**
 * A sweep of an API's whole schema with bad input: every root query and mutation, and every field with
 * arguments on the object a root field returns, is called once with valid arguments and then once per bad
 * value put in one argument or input field (NUL bytes, lone surrogates, oversized text, out-of-range numbers
 * and dates, unknown enum values, huge lists, malformed and unknown ids). New fields are covered as they are
 * added. What it reports is every answer that is not a client error: HTTP 5xx, a body that is not JSON, or
 * `INTERNAL_SERVER_ERROR`.
 */
export interface SweepAnswer {
  status: number;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

export type SendFn = (query: string, variables: Record<string, unknown>) => Promise<SweepAnswer>;

/** Real identifiers and keys, by what an argument names (`threadId` → `thread`), so valid calls reach the services. */
export type SweepIds = Partial<Record<'article' | 'category' | 'product' | 'release' | 'thread' | 'post' | 'board' | 'user' | 'staleFlag' | 'flag' | 'gap' | 'webhook' | 'asset' | 'apiKey' | 'notification' | 'cluster', string>> & {
  articleSlug?: string;
  threadSlug?: string;
  boardSlug?: string;
  categorySlug?: string;
  productKey?: string;
};

export interface SweepFinding {
  field: string;
  variables: string;
  status: number;
  code: string | undefined;
  message: string | undefined;
}

export interface SweepResult {
  requests: number;
  /** Error codes of the answers (OK: none), for a look at what the sweep reached; and per field. */
  codes: Record<string, number>;
  byField: Record<string, Record<string, number>>;
  findings: SweepFinding[];
}

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

interface FieldInfo {
  name: string;
  args: { name: string; type: TypeRef }[];
  type: TypeRef;
}

interface TypeInfo {
  kind: string;
  name: string;
  enumValues: { name: string }[] | null;
  inputFields: { name: string; type: TypeRef }[] | null;
  fields: FieldInfo[] | null;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { kind name enumValues { name }
  inputFields { name type { ${TYPE_REF} } } fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } } } }`;

const BAD_TEXT = ['\u0000', 'a\u0000b', '\ud800', 'x'.repeat(100_000), '', ' ', "'; DROP TABLE users; --", '%_\\', '<script>alert(1)</script>', '9'.repeat(400)];
const BAD_IDS = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', '\u0000', '\ud800', 'x'.repeat(10_000), ''];
const BAD_INTS = [-1, 0, 2147483647, -2147483648];
const BAD_FLOATS = [-1, 0, 1e308, -1e308];
const BAD_DATES: unknown[] = ['0000-01-01T00:00:00Z', '275760-09-14T00:00:00Z', '2026-02-30T00:00:00Z', 'garbage', '\u0000', '-000001-01-01T00:00:00Z', 1e20];
const LONG_LIST = 2000;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** Well-formed cursors (base64url JSON arrays) with the wrong arity, types, ranges or text: for `after` and `before`. */
const BAD_CURSORS = [
  [],
  [1],
  ['x', 'y', 'z'],
  ['275760-09-13T00:00:00Z', NIL_UUID],
  ['infinity', NIL_UUID],
  [1e308, NIL_UUID],
  [5, '2026-01-01T00:00:00Z', NIL_UUID],
  [1, '2026-13-45T99:99:99Z', NIL_UUID],
  ['9'.repeat(400), NIL_UUID],
  ['\u0000', NIL_UUID],
  ['en', '\ud800'],
  [1e308, 1e308, 1e308],
].map((parts) => Buffer.from(JSON.stringify(parts)).toString('base64url'));
/** How far below a root query's answer the sweep looks for fields with arguments. */
const NESTED_DEPTH = 4;

/** Mutations a sweep must not call: they end the sweep's own sessions or accounts. */
const SKIPPED = /^(login|logout|deleteMyAccount|revoke.*|suspendMember|silenceMember|changePassword)$/;

const ID_RULES: [keyof SweepIds, RegExp][] = [
  ['apiKey', /apikey/],
  ['staleFlag', /staleflag|acknowledge|dismiss|resolveflag/],
  ['flag', /flag/],
  ['gap', /gap/],
  ['cluster', /cluster/],
  ['webhook', /webhook|endpoint|delivery/],
  ['asset', /asset/],
  ['notification', /notification/],
  ['release', /release/],
  ['product', /product/],
  ['category', /categor/],
  ['article', /article|revision|translation|draft|publish|verify|feedback/],
  ['post', /post|answer|reply|vote/],
  ['thread', /thread|question/],
  ['board', /board/],
  ['user', /user|member|author/],
];

function unwrap(type: TypeRef): { named: TypeRef; list: boolean } {
  let list = false;
  let t = type;
  while ((t.kind === 'NON_NULL' || t.kind === 'LIST') && t.ofType) {
    if (t.kind === 'LIST') list = true;
    t = t.ofType;
  }
  return { named: t, list };
}

function typeString(type: TypeRef): string {
  if (type.kind === 'NON_NULL') return `${typeString(type.ofType!)}!`;
  if (type.kind === 'LIST') return `[${typeString(type.ofType!)}]`;
  return type.name!;
}

interface SchemaInfo {
  queryType: { name: string };
  mutationType: { name: string } | null;
  types: TypeInfo[];
}

async function introspect(send: SendFn): Promise<SchemaInfo> {
  const answer = (await send(INTROSPECTION, {})) as SweepAnswer & { data?: { __schema: SchemaInfo } };
  if (!answer.data?.__schema) throw new Error(`introspection failed: ${JSON.stringify(answer.errors)}`);
  return answer.data.__schema;
}

/**
 * Valid argument values for a schema's fields, from real ids and keys (by what an argument names). With `fresh`,
 * slugs, keys and emails are new ones made from it (what a create or rename would be given) instead of existing ones.
 */
function validValues(types: Map<string, TypeInfo>, ids: SweepIds, fresh: string | null = null) {

  const idFor = (argName: string, fieldName: string): string => {
    const name = (argName === 'id' || argName === 'ids' ? fieldName : argName).toLowerCase();
    for (const [key, rule] of ID_RULES) if (rule.test(name) && ids[key]) return ids[key];
    return ids.article ?? '00000000-0000-0000-0000-000000000001';
  };
  const textFor = (argName: string, fieldName: string): string => {
    const field = fieldName.toLowerCase();
    if (fresh !== null && /slug|^key$|email/i.test(argName)) return /email/i.test(argName) ? `${fresh}@example.test` : fresh;
    if (/slug/i.test(argName)) {
      if (/thread/.test(field)) return ids.threadSlug ?? 'slug';
      if (/board/.test(field + argName.toLowerCase())) return ids.boardSlug ?? 'slug';
      if (/categor/.test(field)) return ids.categorySlug ?? 'slug';
      return ids.articleSlug ?? 'slug';
    }
    if (/locale/i.test(argName)) return 'en';
    if (/productkey|^key$/i.test(argName)) return ids.productKey ?? 'key';
    if (/email/i.test(argName)) return `sweep-${Math.random().toString(36).slice(2)}@example.test`;
    if (/password/i.test(argName)) return 'sweep-password-123456';
    if (/url/i.test(argName)) return 'https://example.com/hook';
    return 'sweep';
  };
  const valid = (type: TypeRef, argName: string, fieldName: string, depth = 0): unknown => {
    const { named, list } = unwrap(type);
    const info = types.get(named.name!);
    let value: unknown;
    if (named.kind === 'ENUM') value = info!.enumValues![0].name;
    else if (named.kind === 'INPUT_OBJECT') {
      const object: Record<string, unknown> = {};
      if (depth < 4) for (const f of info!.inputFields ?? []) if (f.type.kind === 'NON_NULL') object[f.name] = valid(f.type, f.name, fieldName, depth + 1);
      value = object;
    } else if (named.name === 'Int') value = 1;
    else if (named.name === 'Float') value = 1.5;
    else if (named.name === 'Boolean') value = true;
    else if (named.name === 'ID') value = idFor(argName, fieldName);
    else if (/date|time/i.test(named.name!)) value = '2026-01-01T00:00:00Z';
    else if (/json/i.test(named.name!)) value = {};
    else value = textFor(argName, fieldName);
    return list ? [value] : value;
  };
  return valid;
}

function record(result: SweepResult, field: string, variables: Record<string, unknown>, answer: SweepAnswer): void {
  result.requests += 1;
  const codes = (answer.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
  const tally = (result.byField[field] ??= {});
  for (const code of codes.length ? codes : ['OK']) {
    result.codes[code] = (result.codes[code] ?? 0) + 1;
    tally[code] = (tally[code] ?? 0) + 1;
  }
  if (answer.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('NONE')) {
    const error = answer.errors?.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || !e.extensions?.code) ?? answer.errors?.[0];
    result.findings.push({ field, variables: JSON.stringify(variables).slice(0, 300), status: answer.status, code: error?.extensions?.code, message: error?.message?.slice(0, 200) });
  }
}

const selectionOf = (type: TypeRef): string => (['OBJECT', 'INTERFACE', 'UNION'].includes(unwrap(type).named.kind) ? '{ __typename }' : '');

/** A field's operation text with every argument as a variable of the same name. */
function operationText(operation: 'query' | 'mutation', field: FieldInfo): string {
  const declarations = field.args.map((a) => `$${a.name}: ${typeString(a.type)}`);
  const argumentsText = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${operation}${declarations.length ? `(${declarations.join(', ')})` : ''} { ${field.name}${argumentsText ? `(${argumentsText})` : ''} ${selectionOf(field.type)} }`;
}

/**
 * Every mutation sent `copies` times at once with the same valid arguments, ids read afresh before each mutation
 * (earlier ones may have removed what they named): races between identical requests (one-vote rules, unique slugs
 * and keys, state transitions) must end in data or client errors too.
 */
export async function sweepParallelMutations(send: SendFn, ids: () => Promise<SweepIds>, copies = 8): Promise<SweepResult> {
  const schema = await introspect(send);
  const result: SweepResult = { requests: 0, codes: {}, byField: {}, findings: [] };
  if (!schema.mutationType) return result;
  const types = new Map(schema.types.map((t) => [t.name, t]));
  for (const field of types.get(schema.mutationType.name)!.fields ?? []) {
    if (SKIPPED.test(field.name)) continue;
    const valid = validValues(types, await ids(), `parallel-${field.name.toLowerCase()}`);
    const variables = Object.fromEntries(field.args.map((a) => [a.name, valid(a.type, a.name, field.name)]));
    const query = operationText('mutation', field);
    const answers = await Promise.all(Array.from({ length: copies }, () => send(query, variables)));
    for (const answer of answers) record(result, field.name, variables, answer);
  }
  return result;
}

export async function sweepSchema(send: SendFn, ids: SweepIds): Promise<SweepResult> {
  const schema = await introspect(send);
  const types = new Map(schema.types.map((t) => [t.name, t]));
  const valid = validValues(types, ids);
  const result: SweepResult = { requests: 0, codes: {}, byField: {}, findings: [] };
  const badValues = (type: TypeRef, argName: string, fieldName: string): unknown[] => {
    const { named, list } = unwrap(type);
    let values: unknown[];
    if (named.kind === 'ENUM') values = ['NO_SUCH_VALUE'];
    else if (named.kind === 'INPUT_OBJECT' || named.name === 'Boolean') values = [];
    else if (named.name === 'Int') values = BAD_INTS;
    else if (named.name === 'Float') values = BAD_FLOATS;
    else if (named.name === 'ID') values = BAD_IDS;
    else if (/date|time/i.test(named.name!)) values = BAD_DATES;
    else if (named.name === 'String') values = /^(after|before)$/.test(argName.replace(/^sub_/, '')) ? [...BAD_TEXT, ...BAD_CURSORS] : BAD_TEXT;
    else values = [...BAD_TEXT.slice(0, 4), { nested: 1 }, 12];
    if (!list) return values;
    const element = (valid(type, argName, fieldName) as unknown[])[0];
    return [...values.map((v) => [v]), Array.from({ length: LONG_LIST }, () => element)];
  };
  /** Where a bad value can go inside an argument: the argument itself and its input fields, three levels down. */
  const placesIn = (type: TypeRef, path: string[], depth = 0): { path: string[]; type: TypeRef }[] => {
    const { named } = unwrap(type);
    const places = [{ path, type }];
    if (named.kind === 'INPUT_OBJECT' && depth < 3) for (const f of types.get(named.name!)!.inputFields ?? []) places.push(...placesIn(f.type, [...path, f.name], depth + 1));
    return places;
  };
  const withValue = (variables: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> => {
    const copy = structuredClone(variables);
    let target: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      if (Array.isArray(target[key])) target[key] = (target[key] as unknown[])[0] ?? {};
      if (target[key] === null || typeof target[key] !== 'object') target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[path[path.length - 1]] = value;
    return copy;
  };
  const call = async (field: string, query: string, variables: Record<string, unknown>): Promise<void> => record(result, field, variables, await send(query, variables));

  const roots: [string, 'query' | 'mutation'][] = [[schema.queryType.name, 'query']];
  if (schema.mutationType) roots.push([schema.mutationType.name, 'mutation']);
  for (const [rootName, operation] of roots) {
    for (const field of types.get(rootName)!.fields ?? []) {
      if (SKIPPED.test(field.name)) continue;
      const declarations = field.args.map((a) => `$${a.name}: ${typeString(a.type)}`);
      const argumentsText = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const head = `${field.name}${argumentsText ? `(${argumentsText})` : ''}`;
      // Required arguments only: optional ones come in one at a time with their bad values (all of them at once can
      // conflict, `first` with `last`, and every call would stop at that).
      const base = Object.fromEntries(field.args.filter((a) => a.type.kind === 'NON_NULL').map((a) => [a.name, valid(a.type, a.name, field.name)]));
      const query = `${operation}${declarations.length ? `(${declarations.join(', ')})` : ''} { ${head} ${selectionOf(field.type)} }`;
      await call(field.name, query, base);
      for (const arg of field.args) {
        for (const place of placesIn(arg.type, [arg.name])) {
          for (const bad of badValues(place.type, place.path[place.path.length - 1], field.name)) await call(field.name, query, withValue(base, place.path, bad));
        }
      }
      // Fields with arguments below a query's answer (a thread's `posts(first:)`, a connection's nodes' fields), reached
      // through fields that need no argument, up to NESTED_DEPTH levels down, each object type once per root field.
      if (operation !== 'query') continue;
      const seen = new Set<string>();
      const walk = async (type: TypeRef, path: string[], depth: number): Promise<void> => {
        const info = types.get(unwrap(type).named.name!);
        if (!info || info.kind !== 'OBJECT' || depth > NESTED_DEPTH || seen.has(info.name)) return;
        seen.add(info.name);
        for (const sub of info.fields ?? []) {
          if (sub.name.startsWith('__')) continue;
          if (sub.args.length === 0) {
            await walk(sub.type, [...path, sub.name], depth + 1);
            continue;
          }
          const subDeclarations = sub.args.map((a) => `$sub_${a.name}: ${typeString(a.type)}`);
          const inner = `${sub.name}(${sub.args.map((a) => `${a.name}: $sub_${a.name}`).join(', ')}) ${selectionOf(sub.type)}`;
          const selection = path.reduceRight((acc, name) => `${name} { ${acc} }`, inner);
          const subQuery = `query(${[...declarations, ...subDeclarations].join(', ')}) { ${head} { ${selection} } }`;
          const subBase = { ...base, ...Object.fromEntries(sub.args.filter((a) => a.type.kind === 'NON_NULL').map((a) => [`sub_${a.name}`, valid(a.type, a.name, sub.name)])) };
          const label = [field.name, ...path, sub.name].join('.');
          for (const arg of sub.args) {
            for (const place of placesIn(arg.type, [`sub_${arg.name}`])) {
              for (const bad of badValues(place.type, place.path[place.path.length - 1], sub.name)) await call(label, subQuery, withValue(subBase, place.path, bad));
            }
          }
        }
      };
      await walk(field.type, [], 1);
    }
  }
  return result;
}

/** Page-size arguments get this in a full selection; other arguments of nested fields are left out (or the field, if required). */
const FULL_PAGE = 50;

/**
 * Every root query of a schema with the whole of its answer selected: every field, objects followed `depth` levels
 * down, lists at page size 50. A root query is sent once per argument set given for it in `rootArguments` (by
 * field name; missing: once with valid arguments from `ids`); each answer's text goes to `inspect`. For reading
 * everything a caller can reach, e.g. to look for what must not be there.
 */
export async function readEverything(
  send: SendFn & ((query: string, variables: Record<string, unknown>) => Promise<SweepAnswer & { text?: string }>),
  ids: SweepIds,
  rootArguments: Record<string, Record<string, unknown>[]>,
  inspect: (field: string, variables: Record<string, unknown>, answer: SweepAnswer & { text?: string }) => void,
  depth = 5,
): Promise<number> {
  const schema = await introspect(send);
  const types = new Map(schema.types.map((t) => [t.name, t]));
  const valid = validValues(types, ids);
  const selection = (type: TypeRef, level: number, path: Set<string>): string => {
    const info = types.get(unwrap(type).named.name!);
    if (!info || info.kind !== 'OBJECT') return '';
    const parts: string[] = [];
    for (const field of info.fields ?? []) {
      if (field.args.some((a) => a.type.kind === 'NON_NULL')) continue;
      const pageArgs = field.args.filter((a) => /^(first|limit|pageSize)$/.test(a.name) && unwrap(a.type).named.name === 'Int');
      const head = `${field.name}${pageArgs.length ? `(${pageArgs.map((a) => `${a.name}: ${FULL_PAGE}`).join(', ')})` : ''}`;
      const named = unwrap(field.type).named;
      if (named.kind !== 'OBJECT') {
        parts.push(head);
        continue;
      }
      // Each object type once along a path (a thread's author's … thread), and no deeper than `depth`.
      if (level >= depth || path.has(named.name!)) continue;
      const inner = selection(field.type, level + 1, new Set([...path, named.name!]));
      if (inner) parts.push(`${head} { ${inner} }`);
    }
    return parts.join(' ');
  };
  let requests = 0;
  for (const field of types.get(schema.queryType.name)!.fields ?? []) {
    if (field.name.startsWith('__')) continue;
    const declarations = field.args.map((a) => `$${a.name}: ${typeString(a.type)}`);
    const argumentsText = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const inner = selection(field.type, 1, new Set([unwrap(field.type).named.name!]));
    const query = `query${declarations.length ? `(${declarations.join(', ')})` : ''} { ${field.name}${argumentsText ? `(${argumentsText})` : ''} ${inner ? `{ ${inner} }` : ''} }`;
    // Required arguments get valid values, page sizes the full page; the rest is left to `rootArguments`.
    const base = Object.fromEntries(
      field.args
        .filter((a) => a.type.kind === 'NON_NULL' || /^(first|limit|pageSize)$/.test(a.name))
        .map((a) => [a.name, /^(first|limit|pageSize)$/.test(a.name) && unwrap(a.type).named.name === 'Int' ? FULL_PAGE : valid(a.type, a.name, field.name)]),
    );
    for (const extra of rootArguments[field.name] ?? [{}]) {
      const variables = { ...base, ...extra };
      for (const [name, value] of Object.entries(variables)) if (value === undefined) delete variables[name];
      requests += 1;
      inspect(field.name, variables, await send(query, variables));
    }
  }
  return requests;
}
