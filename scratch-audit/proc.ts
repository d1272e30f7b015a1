import { readFileSync } from 'node:fs';
import { processImage } from '/work/wt-assets-audit/src/assets/content/process-image';
(async () => {
  const [file, format] = process.argv.slice(2);
  const t = Date.now();
  const mem = setInterval(() => { const r = process.memoryUsage().rss; if (r > peak) peak = r; }, 50);
  let peak = 0;
  try {
    const out = await processImage(readFileSync(file), format as any, 50_000_000);
    console.log('ok', out.files.map((f) => `${f.file}:${f.body.length}`), Date.now() - t, 'ms');
  } catch (e) { console.log('err', (e as any).refusal ?? e, Date.now() - t, 'ms'); }
  clearInterval(mem); console.log('peak rss MB', Math.round(peak / 1e6));
})();
