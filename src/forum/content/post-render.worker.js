// Renders members' Markdown off the event loop (started by post-renderer.ts). Plain CommonJS, so the same file runs
// from dist/ (copied as a Nest asset, next to the compiled render-post.js) and from src/ (tests and ts-node, where it
// compiles render-post.ts itself).
//
// Protocol: per request { id, source, policy } it posts { id, rendered, threadId } or { id, error }.
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { parentPort, threadId } = require('node:worker_threads');

if (!existsSync(join(__dirname, 'render-post.js'))) require('ts-node').register({ transpileOnly: true });
const { renderPost } = require('./render-post');

parentPort.on('message', ({ id, source, policy }) => {
  try {
    parentPort.postMessage({ id, rendered: renderPost(source, policy), threadId });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
