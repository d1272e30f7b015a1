// Preloaded into a benchmarked server (`node --require bench/heap-sampling-preload.cjs dist/src/main.js`): on the first
// SIGUSR2 starts V8's allocation sampling (HeapProfiler.startSampling, keeping the objects scavenges collect, so the
// profile counts everything allocated, not only what survives); on the second writes the profile to $HEAP_PROFILE_FILE
// (a .heapprofile, readable in Chrome DevTools or with bench/heap-profile-top.mjs). Issue 10: what an uncached request allocates.
// HEAP_PROFILE_MINOR_GC=0: leave out what scavenges collect, so the profile shows what survives into old space (issue 12).
const inspector = require('node:inspector');
const fs = require('node:fs');

const file = process.env.HEAP_PROFILE_FILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  let sampling = false;
  process.on('SIGUSR2', () => {
    if (!sampling) {
      sampling = true;
      session.post('HeapProfiler.enable', () =>
        session.post('HeapProfiler.startSampling', { samplingInterval: Number(process.env.HEAP_PROFILE_INTERVAL ?? 4096), includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: process.env.HEAP_PROFILE_MINOR_GC !== "0" }),
      );
      return;
    }
    sampling = false;
    session.post('HeapProfiler.stopSampling', (error, result) => fs.writeFileSync(file, JSON.stringify(error ? { error: String(error) } : result.profile)));
  });
}
