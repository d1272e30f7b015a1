import { threadId } from 'node:worker_threads';
import { AppConfig } from '../../config/app-config';
import { OFF_THREAD_FROM_CHARS, PostRenderer } from './post-renderer';
import { renderPost } from './render-post';

const config = { forum: { imageHosts: ['img.example.test'] } } as unknown as AppConfig;
const policy = { imageHosts: ['img.example.test'] };

describe('PostRenderer', () => {
  let renderer: PostRenderer;
  beforeEach(() => {
    renderer = new PostRenderer(config);
  });
  afterEach(() => renderer.onApplicationShutdown());

  // Slow to render: thousands of emphasis delimiters, a table, an allowed and a refused image.
  const long = `# Title\n\n${'*a'.repeat(3000)}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![ok](https://img.example.test/a.png) ![no](https://evil.test/x.png)`;

  it('renders a long body in the worker thread, exactly as inline', async () => {
    expect(long.length).toBeGreaterThanOrEqual(OFF_THREAD_FROM_CHARS);
    const [first, second] = await Promise.all([renderer.render(long), renderer.render(`${long} again`)]);
    expect(first).toEqual(renderPost(long, policy));
    expect(second).toEqual(renderPost(`${long} again`, policy));
    expect(renderer.lastThreadId).not.toBeNull();
    expect(renderer.lastThreadId).not.toBe(threadId);
  }, 30_000);

  it('renders a short body inline', async () => {
    expect(await renderer.render('Hello **there**')).toEqual(renderPost('Hello **there**', policy));
    expect(renderer.lastThreadId).toBeNull();
  });

  it('renders inline what a worker that died had not answered, and starts a new one for the next', async () => {
    const rendering = renderer.render(long);
    await (renderer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    expect(await rendering).toEqual(renderPost(long, policy));
    expect(await renderer.render(`${long}!`)).toEqual(renderPost(`${long}!`, policy));
    expect(renderer.lastThreadId).not.toBe(threadId);
  }, 30_000);
});
