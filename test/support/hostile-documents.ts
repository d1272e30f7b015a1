/** `query { ...F0 } fragment F0 on Query { __typename ...F1 ...F1 } …`, `copies` times with distinct names. */
export function fragmentChain(levels: number, copies: number): string {
  const parts: string[] = [];
  for (let c = 0; c < copies; c += 1) {
    parts.push(`query Q${c} { ...C${c}F0 }`);
    for (let l = 0; l < levels; l += 1) {
      parts.push(`fragment C${c}F${l} on Query { __typename${l + 1 < levels ? ` ...C${c}F${l + 1} ...C${c}F${l + 1}` : ''} }`);
    }
  }
  return parts.join('\n');
}
