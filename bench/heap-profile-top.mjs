// The biggest allocators of a sampling heap profile (bench/heap-sampling-preload.cjs), per request:
//   node bench/heap-profile-top.mjs <file.heapprofile> <requests in the sampled window> [rows]
// Prints bytes per request by allocating function (self) and by function including callees (total).
import * as fs from 'node:fs';

const [file, requestsArg, rowsArg] = process.argv.slice(2);
const requests = Number(requestsArg) || 1;
const rows = Number(rowsArg) || 40;
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const self = new Map();
const total = new Map();
let all = 0;
const key = (f) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${f.lineNumber + 1}`;
function walk(node, stack) {
  const k = key(node.callFrame);
  const own = node.selfSize;
  let sum = own;
  const onStack = stack.has(k);
  stack.add(k);
  for (const child of node.children) sum += walk(child, stack);
  if (!onStack) stack.delete(k);
  self.set(k, (self.get(k) ?? 0) + own);
  if (!onStack) total.set(k, (total.get(k) ?? 0) + sum);
  all += own;
  return sum;
}
walk(profile.head, new Set());
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${(v / requests / 1024).toFixed(2).padStart(8)} KB  ${k}`);
};
console.log(`${(all / requests / 1024).toFixed(1)} KB allocated per request (${requests} requests)`);
show('self', self);
show('total (with callees)', total);
