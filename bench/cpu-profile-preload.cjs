// Preloaded into a benchmarked server (`node --require bench/cpu-profile-preload.cjs dist/src/main.js`): samples its CPU
// from start-up (inspector Profiler, in process) and writes the profile to $CPU_PROFILE_FILE on SIGUSR2. `--cpu-prof`
// alone writes nothing when the server ends on SIGTERM (its shutdown hook re-raises the signal).
const inspector = require('node:inspector');
const fs = require('node:fs');

const file = process.env.CPU_PROFILE_FILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US ?? 500) }, () => session.post('Profiler.start')));
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (error, result) => {
      fs.writeFileSync(file, JSON.stringify(error ? { error: String(error) } : result.profile));
      session.post('Profiler.start');
    });
  });
}
