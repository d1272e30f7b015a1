import { randomBytes } from 'node:crypto';
import { MeilisearchEngine } from '../../search/meilisearch/meilisearch-engine';
import { describeSearchEngineContract } from './search-engine.contract';

const host = process.env.MEILI_HOST;

if (!host) {
  // Printed, not silent: the run is skipped only because no Meilisearch server was given.
  process.stdout.write('Meilisearch contract suite SKIPPED: MEILI_HOST is not set (no Meilisearch server can run on this machine); set MEILI_HOST and MEILI_MASTER_KEY to run it.\n');
  describe('search engine contract: meilisearch', () => {
    it.skip('needs MEILI_HOST', () => undefined);
  });
} else {
  describeSearchEngineContract('meilisearch', async () => {
    const indexPrefix = `evergreen_test_${randomBytes(4).toString('hex')}`;
    const engine = new MeilisearchEngine({ host, apiKey: process.env.MEILI_MASTER_KEY, indexPrefix, locales: ['en', 'zh-CN', 'zh-TW', 'ja', 'de', 'fr', 'es'] });
    return {
      engine,
      reset: async () => {
        const rebuild = await engine.startRebuild();
        await rebuild.commit();
      },
      close: () => engine.close(),
    };
  });
}
