import { SimilarityIndex } from './similarity-index';
import { questionTerms } from './question-terms';

const Q = (title: string, question = '') => ({ title, question });

describe('questionTerms', () => {
  it('uses the project tokenizer (code compounds), drops stop words and stems', () => {
    const terms = questionTerms('How do I edit /etc/fstab when installing packages?');
    expect(terms).toEqual(expect.arrayContaining(['etcfstab', 'etc', 'fstab', 'instal', 'packag']));
    expect(terms).not.toContain('how');
    expect(terms).not.toContain('do');
  });

  it('keeps versions as they are', () => {
    expect(questionTerms('Ubuntu 12.04 upgrade')).toEqual(expect.arrayContaining(['1204', 'ubuntu', 'upgrad']));
  });
});

describe('SimilarityIndex', () => {
  const build = () => {
    const index = new SimilarityIndex();
    index.add(Q('Wifi not working after upgrade to 14.04', 'My wireless adapter stopped working after the upgrade.'));
    index.add(Q('How to change the desktop wallpaper', 'I want a different background picture.'));
    index.add(Q('Screen stays black after boot', 'After installing the nvidia driver my computer boots to a black screen.'));
    index.add(Q('Wireless stopped working after upgrading', 'Since the 14.04 upgrade the wifi adapter is not detected.'));
    return index;
  };

  it('ranks the duplicate first and never returns the question itself', () => {
    const index = build();
    const ranked = index.searchDoc(0, 10);
    expect(ranked[0].doc).toBe(3);
    expect(ranked.map((n) => n.doc)).not.toContain(0);
    expect(ranked.every((n, i) => i === 0 || ranked[i - 1].score >= n.score)).toBe(true);
  });

  it('ranks free text the same way as a stored question', () => {
    const index = build();
    expect(index.search(Q('black screen after nvidia driver install'), 1)[0].doc).toBe(2);
  });

  it('gives a symmetric similarity in [0, 1], 1 for identical text and 0 for nothing shared', () => {
    const index = build();
    const twin = index.add(Q('How to change the desktop wallpaper', 'I want a different background picture.'));
    expect(index.normalisedSimilarity(1, twin)).toBeCloseTo(1, 5);
    expect(index.normalisedSimilarity(0, 3)).toBeCloseTo(index.normalisedSimilarity(3, 0), 10);
    expect(index.normalisedSimilarity(0, 3)).toBeGreaterThan(index.normalisedSimilarity(0, 2));
    expect(index.normalisedSimilarity(1, 2)).toBe(0);
  });

  it('finds neighbours through the inverted index, honouring the exclusion', () => {
    const index = build();
    expect(index.similarDocs(0, 5)[0].doc).toBe(3);
    expect(index.similarDocs(0, 5, (d) => d === 3).map((n) => n.doc)).not.toContain(3);
  });

  it('names the common terms of a group of questions', () => {
    const index = build();
    expect(index.commonTerms([0, 3], 4)).toEqual(expect.arrayContaining(['1404']));
  });

  it('copes with empty text', () => {
    const index = new SimilarityIndex();
    const a = index.add(Q('', ''));
    index.add(Q('something real here'));
    expect(index.searchDoc(a, 5)).toEqual([]);
    expect(index.similarDocs(a, 5)).toEqual([]);
  });

  it('scores every posting by BM25F whatever the layout: postings moved between blocks, lengths beyond the norm table', () => {
    // 1,100 documents of 1,100 distinct body lengths (answers of 0…1,099 words at half weight): more than the
    // 1,024 tabulated norms, so the last ones are normed directly; `common` is in every document (its block moves
    // many times). Words with digits are neither stemmed nor stop words, so the counts below are exact.
    const index = new SimilarityIndex();
    const n = 1100;
    for (let i = 0; i < n; i += 1) {
      index.add({ title: '', question: `common x${i} y${i % 7}`, acceptedAnswer: i > 0 ? Array(i).fill(`pad${i}`).join(' ') : null });
    }
    expect(index.size).toBe(n);
    expect(index.documentFrequency('common')).toBe(n);
    expect(index.documentFrequency('y3')).toBe(Math.ceil((n - 3) / 7));
    expect(index.documentFrequency('x1099')).toBe(1);
    const p = index.params;
    const idf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const weight = (qtf: number, df: number) => ((qtf * 2.2) / (1.2 + qtf)) * idf(df);
    const bodyLength = (i: number) => 3 + i * p.answerWeight;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += bodyLength(i);
    const bodyNorm = (i: number) => 1 - p.bBody + (p.bBody * bodyLength(i)) / (sum / n);
    const score = (i: number, query: [number, number][]) =>
      query.reduce((total, [qw, tf]) => {
        const t = tf / bodyNorm(i);
        return total + (qw * t) / (p.k1 + t);
      }, 0);
    const ranked = index.searchDoc(0, n);
    expect(ranked).toHaveLength(n - 1);
    for (const { doc, score: got } of ranked) {
      // Document 0's query: common (df n), x0 (df 1), y0 (df ⌈n/7⌉), each once in the body.
      const query: [number, number][] = [[weight(1, n), 1]];
      if (doc % 7 === 0) query.push([weight(1, Math.ceil(n / 7)), 1]);
      expect(got).toBeCloseTo(score(doc, query), 9);
    }
  });
});
