import { cosine, decodeVector, EMBEDDED_BODY_CHARS, encodeVector, questionEmbeddingText, SentenceEncoder } from './sentence-encoder';

describe('questionEmbeddingText', () => {
  it('is the title and the start of the body, cut at a word', () => {
    expect(questionEmbeddingText('Title', '')).toBe('Title');
    expect(questionEmbeddingText('Title', ' short\n body ')).toBe('Title. short body');
    const text = questionEmbeddingText('T', 'word '.repeat(400));
    expect(text.length).toBeLessThanOrEqual(3 + EMBEDDED_BODY_CHARS);
    expect(text.endsWith('word')).toBe(true);
  });
});

describe('vector storage', () => {
  it('round-trips float32 vectors', () => {
    const v = Float32Array.from([0.5, -0.25, 1e-7, 3]);
    expect(Array.from(decodeVector(encodeVector(v)))).toEqual(Array.from(v));
  });
});

describe('SentenceEncoder', () => {
  it('gives unit vectors that put a paraphrase nearer than an unrelated question', async () => {
    const vs = (await new SentenceEncoder().embed([
      'How do I reset my password?',
      'I forgot my login credentials, how can I recover my account?',
      'Install nvidia drivers on ubuntu',
    ]))!;
    expect(vs).toHaveLength(3);
    for (const v of vs) {
      expect(v.length).toBe(SentenceEncoder.DIMENSIONS);
      expect(cosine(v, v)).toBeCloseTo(1, 4);
    }
    expect(cosine(vs[0], vs[1])).toBeGreaterThan(cosine(vs[0], vs[2]) + 0.1);
  }, 30_000);

  it('returns null, not an error, when the model cannot be loaded, and does not retry', async () => {
    let loads = 0;
    const encoder = new SentenceEncoder(() => {
      loads += 1;
      return Promise.reject(new Error('missing weights'));
    });
    expect(await encoder.embed(['a'])).toBeNull();
    expect(await encoder.embed(['b'])).toBeNull();
    expect(loads).toBe(1);
  });

  it('returns null once an embedding fails', async () => {
    const encoder = new SentenceEncoder(() => Promise.resolve({ embed: () => Promise.reject(new Error('out of memory')) }));
    expect(await encoder.embed(['a'])).toBeNull();
  });
});
