import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';

/**
 * Generated bad input over both schemas: operations picked from the committed SDL with hostile
 * argument values (mostly as variables, some as literals), and malformed bodies. Whatever the
 * input, no answer may be a 5xx or carry INTERNAL_SERVER_ERROR. The seed is printed on failure;
 * BAD_INPUT_SEED reruns one.
 */
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261129);
const REQUESTS = Number(process.env.BAD_INPUT_REQUESTS ?? 2000);
const CONCURRENCY = 8;

const schemas = {
  '/graphql': buildSchema(readFileSync(join(__dirname, '../docs/schema/delivery.graphql'), 'utf8')),
  '/admin/graphql': buildSchema(readFileSync(join(__dirname, '../docs/schema/admin.graphql'), 'utf8')),
} as const;
type Path = keyof typeof schemas;

// --- hostile values -------------------------------------------------------------------------

/** Values that pass the usual validators (so a poisoned copy reaches the services and the database). */
const plausibleString = fc.oneof(
  fc.constantFrom('en', 'de', 'hello', 'getting-started', 'Getting started', 'member@example.test', 'password-123456', 'a good title'),
  // URLs and directives that pass the SEO, Open Graph and webhook validators.
  fc.constantFrom('https://example.com/og.png', 'https://hooks.example.com/evergreen', 'http://127.0.0.1:9/hook', 'noindex,nofollow', 'index, follow'),
  fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/),
  fc.stringMatching(/^[a-z]{3,10}@[a-z]{3,8}\.test$/),
);

/** A plausible value with a NUL character or an unpaired surrogate somewhere in it. */
const poisonedString = fc
  .tuple(plausibleString, fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d'), fc.nat())
  .map(([text, bad, at]) => {
    const i = at % (text.length + 1);
    return `${text.slice(0, i)}${bad}${text.slice(i)}`;
  });

const otherHostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'a\u0000b',
    '\u0000',
    'x\ud800y',
    '\udc00',
    '\ud83d',
    "' OR 1=1 --",
    "'; DROP TABLE users; --",
    'a & b | !c <-> d:*',
    '!!!',
    '&|!():*<->',
    '((((',
    '\\',
    '%_%',
    '$1',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '\u202e\u0301\ufeff',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦',
    'Ｆｕｌｌｗｉｄｔｈ',
    'ǅ',
    'null',
    'undefined',
    'NaN',
    '-1',
    '1e309',
    'admin@evergreen.test',
    'x@y',
    'a'.repeat(300),
    'en',
    'zh-CN',
    'xx-INVALID',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer({ min: 1000, max: 60_000 }).map((n) => 'x'.repeat(n)),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\ud800', '\udfff')).map(([s, bad]) => `${s}${bad}${s}`),
);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: plausibleString },
  { weight: 3, arbitrary: poisonedString },
  { weight: 3, arbitrary: otherHostileString },
);

const hostileInt = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }) },
  fc.constantFrom(0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e300, 0.5, -0.0001, 100, 101, 1000),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const hostileDate = fc.oneof(
  fc.constantFrom(
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '10000-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01',
    '2026-01-01T00:00:00Z',
    'yesterday',
    '',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer(),
);

const REAL_IDS: string[] = [];
const hostileId = fc.oneof(
  fc.uuid(),
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'not-a-uuid', '1', '-1', "1' OR '1'='1"),
  fc.nat({ max: 2 }).map((i) => REAL_IDS[i] ?? 'none'),
  hostileString,
  fc.integer(),
);

/** Cursors of the right encoding (base64url JSON arrays) holding wrong values: they get past the decoding. */
const cursorPart = fc.oneof(hostileDate, hostileId, hostileInt, fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-01-01 00:00:00.123456+00', '00000000-0000-4000-8000-000000000000'));
const forgedCursor: fc.Arbitrary<string> = fc
  .oneof(
    // The common shape, [instant, id], with one of the two wrong.
    { weight: 3, arbitrary: fc.tuple(fc.oneof(fc.constant('2026-01-01T00:00:00.000Z'), hostileDate), fc.oneof(fc.uuid(), hostileId)) },
    { weight: 1, arbitrary: fc.array(cursorPart, { minLength: 1, maxLength: 3 }) },
  )
  .map((parts) => Buffer.from(JSON.stringify(parts)).toString('base64url'));

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileInt,
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 3 }),
);

function valueFor(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 30, arbitrary: valueFor(type.ofType, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  if (isListType(type)) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.array(valueFor(type.ofType, depth), { maxLength: depth > 1 ? 1 : 4 }) },
      { weight: 1, arbitrary: fc.array(hostileString, { minLength: 200, maxLength: 600 }) },
      { weight: 1, arbitrary: valueFor(type.ofType, depth) },
      { weight: 1, arbitrary: anyJson },
    );
  }
  // Mostly values that pass validation (so the poisoned one below reaches services), some hostile.
  const mix = (plausible: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 12, arbitrary: plausible }, { weight: 3, arbitrary: hostile }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.constant(null) });
  if (isEnumType(type)) {
    const values = fc.constantFrom(...type.getValues().map((v) => v.name));
    return mix(values, hostileString);
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
      case 'Float':
        return mix(fc.integer({ min: 1, max: 20 }), hostileInt);
      case 'Boolean':
        return mix(fc.boolean(), hostileString);
      case 'ID':
        return mix(fc.oneof(fc.uuid(), fc.nat({ max: 2 }).map((i) => REAL_IDS[i] ?? 'none')), hostileId);
      case 'DateTime':
        return mix(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), hostileDate);
      default:
        return mix(plausibleString, hostileString);
    }
  }
  if (isInputObjectType(type)) {
    if (depth > 3) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const entries = fields.map((field) =>
      fc.tuple(fc.constant(field.name), fc.double({ min: 0, max: 1 }).map((r) => r < (isNonNullType(field.type) ? 0.97 : 0.4)), valueFor(field.type, depth + 1)),
    );
    return fc.tuple(fc.tuple(...entries), fc.option(fc.tuple(fc.string({ maxLength: 10 }), anyJson), { freq: 10 })).map(([picked, extra]) => {
      const object: Record<string, unknown> = {};
      for (const [name, include, value] of picked) if (include) object[name] = value;
      if (extra) object[extra[0]] = extra[1];
      return object;
    });
  }
  return anyJson;
}

// --- operations from the schemas ---------------------------------------------------------------

/** `__typename` plus scalar fields without required arguments, one level into objects. */
function selectionOf(type: GraphQLNamedType, depth = 0): string {
  if (isLeafType(type)) return '';
  if (!isObjectType(type)) return ' { __typename }';
  const fields = Object.values((type as GraphQLObjectType).getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined));
  const parts = ['__typename'];
  for (const field of fields) {
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (depth < 1 && isObjectType(named)) parts.push(`${field.name}${selectionOf(named, depth + 1)}`);
  }
  return ` { ${parts.join(' ')} }`;
}

function printLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(printLiteral).join(', ')}]`;
  return `{ ${Object.entries(value as Record<string, unknown>)
    .filter(([key]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(key))
    .map(([key, inner]) => `${key}: ${printLiteral(inner)}`)
    .join(', ')} }`;
}

interface PlannedRequest {
  path: Path;
  caller: 'anonymous' | 'member' | 'editor' | 'admin';
  kind: 'operation' | 'raw';
  body: string;
  contentType: string;
  method: 'POST' | 'GET';
  /** X-Preview-Token header value (delivery API only). */
  previewToken?: string;
}

/** Preview token header values: the real token, well-formed unknown ones, and junk a header can carry. */
const REAL_PREVIEW_TOKENS: string[] = [];
const headerSafe = (text: string): string => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
const hostilePreviewToken: fc.Arbitrary<string> = fc.oneof(
  fc.nat({ max: 1 }).map((i) => REAL_PREVIEW_TOKENS[i] ?? 'egpv_none'),
  fc.stringMatching(/^egpv_[A-Za-z0-9_-]{43}$/),
  fc.constantFrom('', ' ', 'egpv_', 'Bearer egpv_x', 'egp_0123456789', 'egpv_é', 'null', '%00', '\t'),
  fc.integer({ min: 100, max: 8000 }).map((n) => `egpv_${'A'.repeat(n)}`),
  fc.string({ maxLength: 60 }).map(headerSafe),
  fc.string({ unit: 'binary', maxLength: 60 }).map(headerSafe),
);

function operationRequest(path: Path): fc.Arbitrary<PlannedRequest> {
  const schema: GraphQLSchema = schemas[path];
  const roots = [schema.getQueryType(), schema.getMutationType()].filter((t): t is GraphQLObjectType => t !== null && t !== undefined);
  const fields = roots.flatMap((root) => Object.values(root.getFields()).map((field) => ({ root, field })));
  const callers = path === '/graphql' ? (['anonymous', 'member', 'editor'] as const) : (['anonymous', 'member', 'editor', 'admin', 'admin'] as const);
  return fc
    .constantFrom(...fields)
    .chain(({ root, field }) =>
      fc.record({
        root: fc.constant(root),
        field: fc.constant(field as GraphQLField<unknown, unknown>),
        values: fc.tuple(
          ...field.args.map((arg) =>
            fc.tuple(
              fc.constant(arg),
              fc.double({ min: 0, max: 1 }).map((r) => r < 0.35),
              arg.name === 'after' || arg.name === 'before' ? fc.oneof({ weight: 2, arbitrary: forgedCursor }, { weight: 1, arbitrary: valueFor(arg.type, 0) }) : valueFor(arg.type, 0),
            ),
          ),
        ),
        asLiterals: fc.double({ min: 0, max: 1 }).map((r) => r < 0.15),
        poison: fc.option(fc.tuple(fc.nat(), fc.constantFrom('\u0000', '\ud800', '\udc00')), { freq: 2 }),
        caller: fc.constantFrom(...callers),
        asGet: fc.double({ min: 0, max: 1 }).map((r) => r < 0.05),
        previewToken: fc.option(hostilePreviewToken, { freq: 4 }),
      }),
    )
    .map(({ root, field, values, asLiterals, poison, caller, asGet, previewToken }) => {
      if (poison) poisonOneString(values, poison[0], poison[1]);
      const variableDefinitions: string[] = [];
      const argumentsText: string[] = [];
      const variables: Record<string, unknown> = {};
      values.forEach(([arg, include, value], i) => {
        if (!include && !isNonNullType(arg.type)) return;
        if (asLiterals) {
          argumentsText.push(`${arg.name}: ${printLiteral(value)}`);
        } else {
          variableDefinitions.push(`$v${i}: ${String(arg.type)}`);
          argumentsText.push(`${arg.name}: $v${i}`);
          variables[`v${i}`] = value;
        }
      });
      const keyword = root === schema.getMutationType() ? 'mutation' : 'query';
      const query = `${keyword} Fuzz${variableDefinitions.length ? `(${variableDefinitions.join(', ')})` : ''} { ${field.name}${
        argumentsText.length ? `(${argumentsText.join(', ')})` : ''
      }${selectionOf(getNamedType(field.type))} }`;
      const method: 'GET' | 'POST' = asGet && keyword === 'query' ? 'GET' : 'POST';
      const header = path === '/graphql' && previewToken !== null ? { previewToken } : {};
      return { path, caller, kind: 'operation' as const, body: JSON.stringify({ query, variables }), contentType: 'application/json', method, ...header };
    });
}

/** Puts `bad` into the n-th string (modulo their number) of the generated argument values, in place. */
function poisonOneString(values: [unknown, unknown, unknown][], n: number, bad: string): void {
  const slots: { holder: Record<string | number, unknown>; key: string | number }[] = [];
  const collect = (holder: Record<string | number, unknown>, key: string | number): void => {
    const value = holder[key];
    if (typeof value === 'string') slots.push({ holder, key });
    else if (value && typeof value === 'object') for (const inner of Object.keys(value)) collect(value as Record<string, unknown>, Array.isArray(value) ? Number(inner) : inner);
  };
  values.forEach((entry) => collect(entry as unknown as Record<number, unknown>, 2));
  if (slots.length === 0) return;
  const { holder, key } = slots[n % slots.length];
  const text = holder[key] as string;
  const at = n % (text.length + 1);
  holder[key] = `${text.slice(0, at)}${bad}${text.slice(at)}`;
}

const malformedRequest: fc.Arbitrary<PlannedRequest> = fc
  .record({
    path: fc.constantFrom<Path>('/graphql', '/admin/graphql'),
    caller: fc.constantFrom('anonymous' as const, 'member' as const, 'admin' as const),
    body: fc.oneof(
      fc.record({ query: anyJson, variables: anyJson, operationName: anyJson, extensions: anyJson }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
      fc
        .record({
          query: fc.constantFrom(
            'query A { __typename } query B { __typename }',
            'subscription { x }',
            '{ __typename }',
            'mutation { __typename }',
            '{ a: __typename b: __typename }',
            '"{\\"kind\\":\\"Document\\",\\"definitions\\":[]}"',
            '{"kind":"Document","definitions":[{"kind":"OperationDefinition"}]}',
            '1',
            '[]',
            'fragment F on Query { __typename }',
            '{ ...F } fragment F on Query { ...F }',
            '{ __typename @skip(if: $x) }',
            'query ($x: Boolean = "no") { __typename @skip(if: $x) }',
            '{ __type(name: "\\u0000") { name } }',
          ),
          operationName: fc.oneof(fc.constantFrom(undefined, null, '', 'A', 'B', 'C'), anyJson),
          variables: fc.oneof(fc.constant(undefined), anyJson),
          extensions: fc.oneof(fc.constant(undefined), anyJson),
        })
        .map((b) => JSON.stringify(b)),
      // Variables nested up to 60,000 levels (written by hand: JSON.stringify cannot), and documents nested up to
      // 2,500 levels, past what graphql-js's recursive parser has stack for.
      fc
        .tuple(fc.integer({ min: 50, max: 60_000 }), fc.boolean())
        .map(
          ([levels, asArray]) =>
            `{"query":"query ($s: String) { __typename }","variables":{"s":"x","deep":${asArray ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`}}}`,
        ),
      fc
        .tuple(fc.integer({ min: 500, max: 2500 }), fc.constantFrom('list', 'object', 'selection'))
        .map(([levels, shape]) =>
          JSON.stringify({
            query:
              shape === 'selection'
                ? `query ${'{ a '.repeat(levels)}${'}'.repeat(levels)}`
                : `{ __type(name: ${shape === 'list' ? `${'['.repeat(levels)}"x"${']'.repeat(levels)}` : `${'{a:'.repeat(levels)}"x"${'}'.repeat(levels)}`}) { name } }`,
          }),
        ),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('', '{', 'null', '[]', '[{}]', '"query"', '{"query":"{ __typename }",}', '\u0000', '{"query":"{ __typename }"}\u0000'),
    ),
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'application/graphql', 'text/plain', 'application/x-www-form-urlencoded'),
    method: fc.constantFrom<'POST' | 'GET'>('POST', 'POST', 'POST', 'GET'),
  })
  .map((r) => ({ ...r, kind: 'raw' as const }));

/** The article query with a preview token header (the one field that reads it), args mostly plausible. */
const previewRequest: fc.Arbitrary<PlannedRequest> = fc
  .record({
    previewToken: hostilePreviewToken,
    variables: fc.record({ slug: fc.oneof(plausibleString, hostileString), locale: fc.oneof(fc.constantFrom('en', 'de', 'zh-CN'), hostileString), id: fc.option(hostileId) }, { requiredKeys: [] }),
    caller: fc.constantFrom('anonymous' as const, 'member' as const, 'editor' as const),
    method: fc.constantFrom<'POST' | 'GET'>('POST', 'GET'),
  })
  .map(({ previewToken, variables, caller, method }) => ({
    path: '/graphql' as const,
    caller,
    kind: 'operation' as const,
    body: JSON.stringify({ query: 'query Preview($slug: String, $locale: String, $id: ID) { article(slug: $slug, locale: $locale, id: $id) { __typename id title isPreview } }', variables }),
    contentType: 'application/json',
    method,
    previewToken,
  }));

const plannedRequest = fc.oneof(
  { weight: 5, arbitrary: operationRequest('/graphql') },
  { weight: 1, arbitrary: previewRequest },
  { weight: 6, arbitrary: operationRequest('/admin/graphql') },
  { weight: 2, arbitrary: malformedRequest },
);

describe('generated bad input over both schemas', () => {
  let t: TestApp;
  const tokens: Record<PlannedRequest['caller'], string | undefined> = { anonymous: undefined, member: undefined, editor: undefined, admin: undefined };

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES_PER_IP: '10000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000', SIGNUP_MAX_PER_IP: '100000' });
    const users = {
      member: await t.createUser({ role: Role.Member }),
      editor: await t.createUser({ role: Role.Editor }),
      admin: await t.createUser({ role: Role.Admin }),
    };
    for (const [caller, user] of Object.entries(users)) {
      tokens[caller as keyof typeof users] = await t.login(user);
      REAL_IDS.push(user.user.id);
    }
    const preview = await t
      .admin(tokens.editor)
      .send('mutation { createPreviewToken(input: { locale: "en", label: "bad input" }) { token } }');
    REAL_PREVIEW_TOKENS.push(preview.data!.createPreviewToken.token);
  });
  afterAll(() => t.close());

  it(`answers ${REQUESTS} hostile requests without a 5xx or INTERNAL_SERVER_ERROR (seed ${SEED})`, async () => {
    const requests = fc.sample(plannedRequest, { seed: SEED, numRuns: REQUESTS });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const codes = new Map<string, number>();
    let previewRefusals = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const planned = requests[next];
        next += 1;
        const { status, text } = await send(planned);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        for (const m of text.matchAll(/"code":"([A-Z_]+)"/g)) codes.set(m[1], (codes.get(m[1]) ?? 0) + 1);
        if (text.includes('"reason":"PREVIEW_TOKEN_')) previewRefusals += 1;
        if (status >= 500 || text.includes('INTERNAL_SERVER_ERROR')) {
          failures.push(`${planned.method} ${planned.path} as ${planned.caller}: ${status} ${text.slice(0, 300)}\n    body: ${planned.body.slice(0, 500)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (failures.length > 0) process.stdout.write(`bad-input seed ${SEED}: ${failures.length} failures (statuses ${JSON.stringify([...statuses])}, codes ${JSON.stringify([...codes])})\n${failures.slice(0, 15).join('\n')}\n`);
    expect(failures).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    // The generator must reach both success and refusal, or it tests little.
    expect(statuses.get(200)).toBeGreaterThan(REQUESTS / 10);
    expect(statuses.get(400)).toBeGreaterThan(REQUESTS / 10);
    // The hostile X-Preview-Token headers reach the preview check.
    expect(previewRefusals).toBeGreaterThan(0);
  }, 180_000);

  async function send(planned: PlannedRequest): Promise<{ status: number; text: string }> {
    const token = tokens[planned.caller];
    let req;
    if (planned.method === 'GET') {
      let params: Record<string, string> = {};
      try {
        const parsed = JSON.parse(planned.body) as Record<string, unknown>;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          params = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        }
      } catch {
        params = { query: planned.body };
      }
      req = t.http().get(planned.path).query(params);
    } else {
      req = t.http().post(planned.path).set('content-type', planned.contentType).send(planned.body);
    }
    if (token) req = req.set('authorization', `Bearer ${token}`);
    if (planned.previewToken !== undefined) req = req.set('x-preview-token', planned.previewToken);
    const res = await req;
    return { status: res.status, text: res.text ?? '' };
  }
});
