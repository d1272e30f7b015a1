// The Universal Sentence Encoder's thread (started by sentence-encoder.ts; decision 0022, "Off the event loop").
// Plain CommonJS so the same file runs from src/ (ts-node, jest) and from dist/ (copied as a Nest asset): it
// requires only the npm packages, whose resolved paths come in workerData.
//
// Protocol: it posts { ready: true } once the model is loaded, or { loadError } and exits. Then, per request
// { id, texts }, it posts { id, vectors } (unit-length Float32Arrays, buffers transferred) or { id, error }.
'use strict';

const { parentPort, workerData } = require('node:worker_threads');

function unitVector(values) {
  const v = Float32Array.from(values);
  let n = 0;
  for (let i = 0; i < v.length; i += 1) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i += 1) v[i] /= n;
  return v;
}

async function main() {
  // Background work: on Linux a thread has its own nice value, so this lowers this thread only and the
  // event loop's thread wins the CPU when the cores are busy.
  try {
    require('node:os').setPriority(workerData.nice);
  } catch {
    // not permitted here: run at the process's priority
  }
  let model;
  try {
    const { initModel } = require(workerData.embeddingsModule);
    const { modelSource } = require(workerData.modelModule);
    model = await initModel(modelSource);
  } catch (error) {
    parentPort.postMessage({ loadError: String(error) });
    return;
  }
  parentPort.on('message', async ({ id, texts }) => {
    try {
      const vectors = (await model.embed(texts)).map(unitVector);
      parentPort.postMessage({ id, vectors }, vectors.map((v) => v.buffer));
    } catch (error) {
      parentPort.postMessage({ id, error: String(error) });
    }
  });
  parentPort.postMessage({ ready: true });
}

void main();
