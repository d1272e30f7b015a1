import { isEnglishLocale, queryEmbeddingText, rerankBySimilarity, SEMANTIC_RERANK } from './semantic-rerank';

const hits = (...scores: number[]) => scores.map((score, i) => ({ id: `d${i}`, score }));

describe('rerankBySimilarity', () => {
  it('raises each score by weight × the first score × the cosine and sorts by the result', () => {
    const cosines: Record<string, number> = { d0: 0.1, d1: 0.9, d2: 0.6 };
    const out = rerankBySimilarity(hits(10, 9, 8), (hit) => cosines[hit.id], 0.5);
    expect(out.map((hit) => hit.id)).toEqual(['d1', 'd2', 'd0']);
    expect(out.map((hit) => hit.score)).toEqual([9 + 0.5 * 10 * 0.9, 8 + 0.5 * 10 * 0.6, 10 + 0.5 * 10 * 0.1]);
  });

  it('counts a missing vector and a negative cosine as 0, so no score is lowered', () => {
    const cosines: Record<string, number | null> = { d0: -0.4, d1: null, d2: 0.5 };
    const input = hits(3, 2.9, 2);
    const out = rerankBySimilarity(input, (hit) => cosines[hit.id], 1);
    expect(out.map((hit) => [hit.id, hit.score])).toEqual([
      ['d2', 2 + 3 * 0.5],
      ['d0', 3],
      ['d1', 2.9],
    ]);
    for (const hit of out) expect(hit.score).toBeGreaterThanOrEqual(input.find((h) => h.id === hit.id)!.score);
  });

  it('keeps the engine order among equal results and leaves its input alone', () => {
    const input = hits(5, 5, 5);
    expect(rerankBySimilarity(input, () => 0.2, 0.5).map((hit) => hit.id)).toEqual(['d0', 'd1', 'd2']);
    expect(input.map((hit) => hit.score)).toEqual([5, 5, 5]);
  });

  it('leaves lists without a positive first score as they are', () => {
    expect(rerankBySimilarity([], () => 1, 0.5)).toEqual([]);
    expect(rerankBySimilarity(hits(0, 0), (hit) => (hit.id === 'd1' ? 1 : 0), 0.5).map((hit) => hit.id)).toEqual(['d0', 'd1']);
  });
});

describe('queryEmbeddingText', () => {
  it('drops quotes and extra spaces', () => {
    expect(queryEmbeddingText('  "You have already raised this flag"   Well,\nnot really ')).toBe('You have already raised this flag Well, not really');
  });

  it('embeds the start of a long query, cut at a word', () => {
    const text = 'word '.repeat(2000);
    const out = queryEmbeddingText(text);
    expect(out.length).toBeLessThanOrEqual(SEMANTIC_RERANK.queryChars);
    expect(out.endsWith('word')).toBe(true);
    expect(queryEmbeddingText('x'.repeat(600))).toHaveLength(SEMANTIC_RERANK.queryChars);
  });
});

describe('isEnglishLocale', () => {
  it('accepts en and its regional forms only', () => {
    expect(['en', 'en-GB', 'en-US', 'de', 'es', 'zh-CN', 'eng'].map(isEnglishLocale)).toEqual([true, true, true, false, false, false, false]);
  });
});
