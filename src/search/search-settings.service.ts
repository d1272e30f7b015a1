import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SearchEngine, SearchSettings } from '../../search/search-engine';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-error';
import { LocalesService } from '../common/locales/locales.service';
import { SearchStopWordEntity } from './entities/search-stop-word.entity';
import { SearchSynonymEntity } from './entities/search-synonym.entity';
import { SEARCH_ENGINE } from './search-engine.token';
import { SearchResultCache } from './search-result-cache';
import { AppConfig } from '../config/app-config';
import { JobRunner } from '../jobs/job-runner';

/**
 * Synonyms and stop words per locale: stored in PostgreSQL, applied by whichever engine is configured. Other
 * API instances notice a change through a per-process job of the runner (each instance holds its own engine
 * client and result cache) that compares a fingerprint of the settings.
 */
@Injectable()
export class SearchSettingsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(SearchSettingsService.name);
  private fingerprint: string | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SEARCH_ENGINE) private readonly engine: SearchEngine,
    private readonly locales: LocalesService,
    private readonly resultCache: SearchResultCache,
    private readonly config: AppConfig,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.process({ name: 'search-settings', everySeconds: this.config.jobs.searchSettingsCheckSeconds, run: () => this.applyIfChanged() });
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.apply();
    } catch (error) {
      // The engine may be down at start; content still saves (outbox) and settings are applied on the next check.
      this.logger.warn({ err: error }, 'Could not apply search settings yet');
    }
  }

  async load(): Promise<SearchSettings> {
    const synonyms = await this.dataSource.getRepository(SearchSynonymEntity).find({ order: { createdAt: 'ASC' } });
    const stopWords = await this.dataSource.getRepository(SearchStopWordEntity).find({ order: { word: 'ASC' } });
    const settings: SearchSettings = { synonyms: {}, stopWords: {} };
    for (const group of synonyms) (settings.synonyms[group.locale] ??= []).push(group.words);
    for (const word of stopWords) (settings.stopWords[word.locale] ??= []).push(word.word);
    return settings;
  }

  async apply(): Promise<void> {
    const fingerprint = await this.currentFingerprint();
    await this.engine.applySettings(await this.load());
    this.fingerprint = fingerprint;
    this.resultCache.invalidate();
  }

  async synonyms(locale: string | null): Promise<SearchSynonymEntity[]> {
    return this.dataSource.getRepository(SearchSynonymEntity).find({
      where: locale ? { locale: this.locales.resolve(locale) } : {},
      order: { locale: 'ASC', createdAt: 'ASC' },
    });
  }

  async stopWords(locale: string | null): Promise<SearchStopWordEntity[]> {
    return this.dataSource.getRepository(SearchStopWordEntity).find({
      where: locale ? { locale: this.locales.resolve(locale) } : {},
      order: { locale: 'ASC', word: 'ASC' },
    });
  }

  async addSynonyms(locale: string, words: string[]): Promise<SearchSynonymEntity> {
    const resolved = this.locales.resolve(locale, 'input.locale');
    const cleaned = [...new Set(words.map((w) => w.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))];
    if (cleaned.length < 2) {
      throw new BadUserInputError('A synonym group needs at least two different words', [{ field: 'input.words', messages: ['words must hold at least two different words'] }]);
    }
    const saved = await this.dataSource.getRepository(SearchSynonymEntity).save({ locale: resolved, words: cleaned });
    await this.apply();
    return saved;
  }

  async removeSynonyms(id: string): Promise<SearchSynonymEntity> {
    const repository = this.dataSource.getRepository(SearchSynonymEntity);
    const group = await repository.findOne({ where: { id } });
    if (!group) throw new NotFoundError('Synonym group', id);
    await repository.delete({ id });
    await this.apply();
    return group;
  }

  async addStopWord(locale: string, word: string): Promise<SearchStopWordEntity> {
    const resolved = this.locales.resolve(locale, 'input.locale');
    const cleaned = word.trim().toLowerCase();
    if (!/^[\p{L}\p{N}]+$/u.test(cleaned)) {
      throw new BadUserInputError('A stop word is one word of letters or digits', [{ field: 'input.word', messages: ['word must be letters or digits only'] }]);
    }
    // One statement, so the same word added twice at once is one insert and one CONFLICT, not a key violation.
    const inserted: { created_at: Date }[] = await this.dataSource.query(
      'INSERT INTO search_stop_words (locale, word) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING created_at',
      [resolved, cleaned],
    );
    if (inserted.length === 0) throw new ConflictError('That stop word exists already', { reason: 'STOP_WORD_EXISTS' });
    await this.apply();
    return Object.assign(new SearchStopWordEntity(), { locale: resolved, word: cleaned, createdAt: inserted[0].created_at });
  }

  async removeStopWord(locale: string, word: string): Promise<SearchStopWordEntity> {
    const resolved = this.locales.resolve(locale, 'input.locale');
    const repository = this.dataSource.getRepository(SearchStopWordEntity);
    const existing = await repository.findOne({ where: { locale: resolved, word: word.trim().toLowerCase() } });
    if (!existing) throw new NotFoundError('Stop word', `${resolved}/${word}`);
    await repository.delete({ locale: resolved, word: existing.word });
    await this.apply();
    return existing;
  }

  private async applyIfChanged(): Promise<void> {
    if ((await this.currentFingerprint()) !== this.fingerprint) await this.apply();
  }

  private async currentFingerprint(): Promise<string> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*) || ':' || coalesce(max(created_at)::text, '') FROM search_synonyms) || '|' ||
              (SELECT count(*) || ':' || coalesce(max(created_at)::text, '') FROM search_stop_words) AS fingerprint`,
    );
    return (row as { fingerprint: string }).fingerprint;
  }
}
