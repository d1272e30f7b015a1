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
});
