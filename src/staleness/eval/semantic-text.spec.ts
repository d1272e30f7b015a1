import { articleChunks, summaryText } from './semantic-text';

describe('summaryText', () => {
  it('drops pull-request references, commit hashes and markup', () => {
    expect(summaryText('**ssr:** handle empty `sourcemaps` (fix #2391) (#2441) 1a2b3c4d')).toBe('ssr: handle empty sourcemaps');
  });
});

describe('articleChunks', () => {
  it('gives the title, then chunks of at most about maxChars per passage, each with its heading', () => {
    const body = `# Guide\n\nIntro line about the guide.\n\n## Proxy\n\n${'Forward websocket requests to the backend.\n'.repeat(30)}`;
    const chunks = articleChunks('Guide', body, 300);
    expect(chunks[0]).toEqual({ passage: -1, text: 'Guide' });
    const proxy = chunks.filter((c) => c.text.startsWith('Proxy:'));
    expect(proxy.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(300 + 'Proxy: '.length);
  });
});
