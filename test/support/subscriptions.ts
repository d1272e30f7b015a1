import { Client, createClient } from 'graphql-ws';
import { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import { LiveEvents, LiveTopic } from '../../src/common/live-events/live-events.service';
import { TestApp } from './create-test-app';
import { eventually } from './eventually';

/** One subscription of a real graphql-ws client: what it received, in order. */
export class SubscriptionProbe<T = Record<string, any>> {
  readonly results: FormattedExecutionResult<T, unknown>[] = [];
  errors: readonly GraphQLFormattedError[] | null = null;
  completed = false;
  /** Completes the subscription from the client side. */
  readonly unsubscribe: () => void;
  private waiters: (() => void)[] = [];

  constructor(
    readonly client: Client,
    query: string,
    variables?: Record<string, unknown>,
  ) {
    this.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => this.settle(() => this.results.push(result)),
        error: (error) => this.settle(() => (this.errors = Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }])),
        complete: () => this.settle(() => (this.completed = true)),
      },
    );
  }

  /** Resolves when `predicate` holds, or rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify({ results: this.results, errors: this.errors })}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async nextResult(count = 1): Promise<FormattedExecutionResult<T, unknown>> {
    await this.until(() => this.results.length >= count || this.errors !== null);
    if (this.results.length < count) throw new Error(`subscription failed: ${JSON.stringify(this.errors)}`);
    return this.results[count - 1];
  }

  async failure(): Promise<readonly GraphQLFormattedError[]> {
    await this.until(() => this.errors !== null || this.results.length > 0);
    if (!this.errors) throw new Error(`expected an error, got ${JSON.stringify(this.results)}`);
    return this.errors;
  }

  private settle(change: () => void): void {
    change();
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** The base ws:// URL of an app listening on a port. */
export async function listenForWebsockets(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a port');
  return `ws://127.0.0.1:${address.port}`;
}

/** A graphql-ws client (graphql-transport-ws) on `url`, sending `token` in connection_init, that never retries. */
export function wsClient(url: string, token?: string): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    lazyCloseTimeout: 0,
  });
}

/** Waits until `count` subscriptions to `topic` are registered in the app, so an event sent now reaches them. */
export async function subscribed(t: TestApp, topic: LiveTopic, count: number): Promise<void> {
  const liveEvents = t.app.get(LiveEvents);
  await eventually(async () => {
    if (liveEvents.subscriberCount(topic) < count) throw new Error(`${liveEvents.subscriberCount(topic)} of ${count} subscriptions to ${topic} registered`);
  });
}
