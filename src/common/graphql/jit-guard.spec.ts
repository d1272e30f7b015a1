import { buildSchema, parse } from 'graphql';
import { compilableByJit } from './jit-guard';

const schema = buildSchema(`
  input Plain { text: String, page: Int = 1 }
  input WithDefault { text: String, page: Int! = 1 }
  input Outer { inner: [WithDefault!] }
  type Query { a(input: Plain, first: Int): Int, b(input: WithDefault): Int, c(input: Outer): Int }
`);

describe('compilableByJit', () => {
  it.each([
    ['query ($s: String!, $i: Plain) { a(input: $i) }', true],
    ['query ($f: Int = 20) { a(first: $f) }', true],
    ['{ b(input: { text: "x" }) }', true],
    ['query ($i: WithDefault) { b(input: $i) }', false],
    ['query ($i: Outer) { c(input: $i) }', false],
    ['query ($f: Int! = 20) { a(first: $f) }', false],
  ])('%s → %p', (source, expected) => {
    const document = parse(source);
    expect(compilableByJit(schema, document)).toBe(expected);
    expect(compilableByJit(schema, document)).toBe(expected);
  });
});
