import type {
  EnqueuedTaskPromise,
  Index,
  Meilisearch,
  Settings,
  Task,
  WaitOptions,
} from 'meilisearch' with { 'resolution-mode': 'import' };
import type {
  EngineHealth,
  IndexedVersion,
  IndexRebuild,
  SearchDocument,
  SearchDocumentRef,
  SearchEngine,
  SearchPage,
  SearchQuery,
  SearchSettings,
} from '../search-engine';
import {
  buildSearchParams,
  buildSettings,
  buildStructuralSettings,
  documentKeyOf,
  keysFilter,
  type MeiliDocument,
  type MeiliVersionDocument,
  nextVersionCursor,
  parseVersionCursor,
  selectNewer,
  toFacets,
  toIndexedVersion,
  toSearchPage,
  VERSION_FIELDS,
} from './meilisearch-query';

/**
 * The official client is an ES module only. `module: node16` lets this CommonJS file import its types
 * but not the module, so it is `require()`d: natively on Node ≥ 20.19, and in Jest compiled to CommonJS
 * by meilisearch-client.jest-transform.js (a dynamic `import()` would not run under Jest).
 */
type MeilisearchModule = typeof import('meilisearch', { with: { 'resolution-mode': 'import' } });
const meilisearch = require('meilisearch') as MeilisearchModule;

export interface MeilisearchEngineOptions {
  host: string;
  apiKey?: string;
  /** Index names start with it: `<prefix>_documents`. Default `evergreen`. */
  indexPrefix?: string;
  /** Per HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** Longest wait for one Meilisearch task (indexing, settings, swap). Default 60 s. */
  taskTimeoutMs?: number;
  /** Task polling interval. Default 50 ms. */
  taskPollMs?: number;
  /** The supported locales, for `localizedAttributes` (the settings' locales are added). */
  locales?: string[];
}

type MeiliIndex = Index<MeiliDocument>;

const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Search on Meilisearch: one index, `<prefix>_documents`, holds every kind and locale. Settings and
 * limitations: README.md beside this file.
 */
export class MeilisearchEngine implements SearchEngine {
  readonly name = 'meilisearch';
  private readonly client: Meilisearch;
  private readonly healthClient: Meilisearch;
  private readonly liveUid: string;
  private readonly waitOptions: WaitOptions;
  private readonly locales: string[];
  /** The settings last applied, for a rebuild's fresh index. */
  private appliedSettings: Settings | null = null;
  private liveReady: Promise<void> | null = null;

  constructor(options: MeilisearchEngineOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    this.client = new meilisearch.Meilisearch({ host: options.host, apiKey: options.apiKey, timeout });
    this.healthClient = new meilisearch.Meilisearch({
      host: options.host,
      apiKey: options.apiKey,
      timeout: Math.min(timeout, HEALTH_TIMEOUT_MS),
    });
    this.liveUid = `${options.indexPrefix ?? 'evergreen'}_documents`;
    this.waitOptions = { timeout: options.taskTimeoutMs ?? 60_000, interval: options.taskPollMs ?? 50 };
    this.locales = options.locales ?? [];
  }

  async applySettings(settings: SearchSettings): Promise<void> {
    const meiliSettings = buildSettings(settings, this.locales);
    await this.ensureIndex(this.liveUid, null);
    await this.settle(this.live().updateSettings(meiliSettings), `settings of ${this.liveUid}`);
    this.appliedSettings = meiliSettings;
    this.liveReady = Promise.resolve();
  }

  async upsert(documents: SearchDocument[]): Promise<void> {
    if (documents.length === 0) return;
    await this.readyLive();
    const indexed = await this.indexedVersions([...new Set(documents.map(documentKeyOf))]);
    const newer = selectNewer(documents, indexed);
    if (newer.length === 0) return;
    await this.settle(this.live().addDocuments(newer), `documents of ${this.liveUid}`);
  }

  async remove(refs: SearchDocumentRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.readyLive();
    const keys = [...new Set(refs.map(documentKeyOf))];
    const task = await this.live().deleteDocuments(keys).waitTask(this.waitOptions);
    if (task.status === 'failed' && task.error?.code === 'index_not_found') return; // nothing to remove
    assertSucceeded(task, `deletion from ${this.liveUid}`);
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    const { q, ...params } = buildSearchParams(query);
    try {
      const response = await this.live().search<Partial<MeiliDocument>>(q, params);
      return toSearchPage(response, query);
    } catch (error) {
      // Nothing indexed yet (no applySettings, no upsert): an empty index, not an outage.
      if (apiErrorCode(error) === 'index_not_found') {
        return { hits: [], total: 0, totalIsEstimate: false, facets: toFacets(undefined, query.facets), correctedText: null, didYouMean: null };
      }
      throw error;
    }
  }

  async health(): Promise<EngineHealth> {
    try {
      const { status } = await this.healthClient.health();
      return status === 'available' ? { up: true } : { up: false, detail: `Meilisearch status: ${String(status)}` };
    } catch (error) {
      return { up: false, detail: describeError(error) };
    }
  }

  async versions(after: string | null, limit: number): Promise<{ versions: IndexedVersion[]; next: string | null }> {
    const offset = parseVersionCursor(after);
    let page: { results: MeiliVersionDocument[]; total: number };
    try {
      page = await this.live().getDocuments<MeiliVersionDocument>({
        fields: [...VERSION_FIELDS],
        sort: ['key:asc'],
        offset,
        limit,
      });
    } catch (error) {
      if (apiErrorCode(error) === 'index_not_found') return { versions: [], next: null };
      throw error;
    }
    return {
      versions: page.results.map(toIndexedVersion),
      next: nextVersionCursor(offset, page.results.length, page.total),
    };
  }

  async startRebuild(): Promise<IndexRebuild> {
    const rebuildUid = `${this.liveUid}_rebuild_${Date.now()}`;
    const settings = this.appliedSettings ?? (await this.currentSettings());
    await this.ensureIndex(rebuildUid, settings);
    const index = this.client.index<MeiliDocument>(rebuildUid);
    // open → swapped (live now serves the new documents; `rebuildUid` holds the old ones) → done.
    let state: 'open' | 'swapped' | 'done' = 'open';
    const refuseUnlessOpen = (): void => {
      if (state !== 'open') throw new Error(`The rebuild into ${rebuildUid} is already committed or aborted`);
    };
    return {
      upsert: async (documents) => {
        refuseUnlessOpen();
        const fresh = selectNewer(documents, new Map());
        if (fresh.length > 0) await this.settle(index.addDocuments(fresh), `documents of ${rebuildUid}`);
      },
      commit: async () => {
        if (state === 'done') refuseUnlessOpen();
        if (state === 'open') {
          await this.ensureIndex(this.liveUid, settings);
          await this.settle(
            this.client.swapIndexes([{ indexes: [this.liveUid, rebuildUid], rename: false }]),
            `swap of ${this.liveUid} and ${rebuildUid}`,
          );
          state = 'swapped';
        }
        await this.deleteIndex(rebuildUid);
        state = 'done';
      },
      abort: async () => {
        if (state === 'done') return;
        // Before the swap this drops the new documents; after it, the old ones the swap left behind.
        await this.deleteIndex(rebuildUid);
        state = 'done';
      },
    };
  }

  async close(): Promise<void> {
    // Plain HTTP requests: nothing to release.
  }

  private live(): MeiliIndex {
    return this.client.index<MeiliDocument>(this.liveUid);
  }

  /** key → indexed version, in one request; recreates the live index when it was deleted meanwhile. */
  private async indexedVersions(keys: string[]): Promise<Map<string, number>> {
    try {
      const { results } = await this.live().getDocuments<Pick<MeiliDocument, 'key' | 'version'>>({
        filter: keysFilter(keys),
        fields: ['key', 'version'],
        limit: keys.length,
      });
      return new Map(results.map((document) => [document.key, document.version]));
    } catch (error) {
      if (apiErrorCode(error) !== 'index_not_found') throw error;
      this.liveReady = null;
      await this.readyLive();
      return new Map();
    }
  }

  /** Once per engine: the live index exists with the settings documents need (key filterable, etc.). */
  private readyLive(): Promise<void> {
    if (!this.liveReady) {
      this.liveReady = this.ensureIndex(this.liveUid, buildStructuralSettings(this.locales)).catch((error: unknown) => {
        this.liveReady = null;
        throw error;
      });
    }
    return this.liveReady;
  }

  /**
   * Creates the index (primary key `key`) when it is missing and then applies `settingsForNew`;
   * an existing index is left as it is.
   */
  private async ensureIndex(uid: string, settingsForNew: Settings | null): Promise<void> {
    try {
      await this.client.getRawIndex(uid);
      return;
    } catch (error) {
      if (apiErrorCode(error) !== 'index_not_found') throw error;
    }
    const task = await this.client.createIndex(uid, { primaryKey: 'key' }).waitTask(this.waitOptions);
    if (task.status === 'failed' && task.error?.code === 'index_already_exists') return;
    assertSucceeded(task, `creation of ${uid}`);
    if (settingsForNew) await this.settle(this.client.index(uid).updateSettings(settingsForNew), `settings of ${uid}`);
  }

  private async deleteIndex(uid: string): Promise<void> {
    const task = await this.client.deleteIndex(uid).waitTask(this.waitOptions);
    if (task.status === 'failed' && task.error?.code === 'index_not_found') return;
    assertSucceeded(task, `deletion of ${uid}`);
  }

  /** The live index's settings, for a rebuild started before any `applySettings` in this process. */
  private async currentSettings(): Promise<Settings> {
    const structural = buildStructuralSettings(this.locales);
    try {
      const current = await this.live().getSettings();
      return {
        ...structural,
        synonyms: current.synonyms ?? {},
        stopWords: current.stopWords ?? [],
        localizedAttributes: current.localizedAttributes ?? structural.localizedAttributes,
      };
    } catch (error) {
      if (apiErrorCode(error) === 'index_not_found') return structural;
      throw error;
    }
  }

  /** Waits for the enqueued task and throws when Meilisearch did not carry it out. */
  private async settle(enqueued: EnqueuedTaskPromise, what: string): Promise<Task> {
    const task = await enqueued.waitTask(this.waitOptions);
    assertSucceeded(task, what);
    return task;
  }
}

function assertSucceeded(task: Task, what: string): void {
  if (task.status === 'succeeded') return;
  const reason = task.error ? `${task.error.message} (${task.error.code})` : `task ${task.status}`;
  throw new Error(`Meilisearch task ${task.uid} (${what}) ${task.status}: ${reason}`);
}

function apiErrorCode(error: unknown): string | null {
  return error instanceof meilisearch.MeilisearchApiError ? (error.cause?.code ?? null) : null;
}

/**
 * The error and its causes (`Request to … has failed: fetch failed: connect ECONNREFUSED …`). Duck-typed:
 * errors from `fetch` may come from another realm (Jest), where `instanceof Error` is false.
 */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isErrorLike(current); depth += 1) {
    parts.push(current.message !== '' ? current.message : (current.code ?? ''));
    current = current.cause;
  }
  return parts.filter((part) => part !== '').join(': ') || 'Meilisearch is unreachable';
}

/** Stops at a timeout's `cause` (request details, not an error) and at anything else without a message. */
function isErrorLike(value: unknown): value is { message: string; code?: string; cause?: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string';
}
