// Image processing cost of one upload (sniff → sharp: original re-encoded without metadata + WebP variants),
// on photo-like noise images of a few sizes. Usage: npm run bench:assets [-- --runs N]
// Writes bench/results/asset-processing.{json,md}. Needs `npm run build` (the script runs it).
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { processImage } from '../dist/src/assets/content/process-image.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const SIZES = [
  [800, 600],
  [2000, 1500],
  [4000, 3000],
];

/** Noise compresses like a photo (no long runs), so file sizes and encode times are realistic. */
async function photo(width, height, format) {
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const base = sharp(noise, { raw: { width, height, channels: 3 } }).blur(1.2);
  return format === 'png' ? base.png().toBuffer() : base.jpeg({ quality: 90 }).withExif({ IFD0: { Make: 'Bench' } }).toBuffer();
}

const rows = [];
for (const [width, height] of SIZES) {
  for (const format of ['jpeg', 'png']) {
    const input = await photo(width, height, format);
    const times = [];
    let files = 0;
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const result = await processImage(input, format, 50_000_000);
      times.push(performance.now() - start);
      files = result.files.length;
    }
    times.sort((a, b) => a - b);
    rows.push({ format, width, height, inputBytes: input.length, files, medianMs: Math.round(times[Math.floor(times.length / 2)]), minMs: Math.round(times[0]) });
    console.log(rows[rows.length - 1]);
  }
}

const machine = { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((l) => l.toFixed(2)), uptime: execSync('uptime').toString().trim(), sharp: sharp.versions };
writeFileSync(new URL('./results/asset-processing.json', import.meta.url), JSON.stringify({ runs: RUNS, machine, rows }, null, 2));
const table = rows.map((r) => `| ${r.format} | ${r.width}×${r.height} | ${(r.inputBytes / 1024 / 1024).toFixed(2)} MiB | ${r.files} | ${r.medianMs} | ${r.minMs} |`).join('\n');
writeFileSync(
  new URL('./results/asset-processing.md', import.meta.url),
  `# Asset image processing\n\n\`npm run bench:assets -- --runs ${RUNS}\` (${new Date().toISOString()}).\n\n` +
    `Machine: ${machine.cpus} cores, ${machine.model}; \`uptime\`: ${machine.uptime} (a shared machine: other work ran meanwhile).\n\n` +
    `One upload's processing (original re-encoded without metadata + WebP variants), median and best of ${RUNS} runs:\n\n` +
    `| format | size | upload | files | median ms | best ms |\n|---|---|---|---|---|---|\n${table}\n`,
);
