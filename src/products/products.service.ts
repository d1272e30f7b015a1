import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { recordChange } from '../changes/content-changes';
import { ConflictError, NotFoundError } from '../common/errors/app-error';
import { Connection, decodeCursor, encodeCursor, invalidCursorError } from '../common/graphql/connection';
import { ProductEntity } from './entities/product.entity';
import { ReleaseChangeEntity } from './entities/release-change.entity';
import { ReleaseEntity, ReleaseSource } from './entities/release.entity';
import { PRODUCT_KEY_PATTERN } from './product-fields';
import { normalizeReleaseContent, ReleaseContent, ReleaseContentInput, releaseDifferences } from './release-content';
import { enqueueWebhookEvents } from '../webhooks/webhook-events';

export type ProductRef = { id: string } | { key: string };

export interface NewProduct {
  key: string;
  name: string;
}

export interface PageRequest {
  first: number;
  after?: string | null;
}

export interface RecordReleaseCommand extends ReleaseContentInput {
  product: ProductRef;
  source: ReleaseSource;
  /** The staff member who recorded it through the admin API; null for the webhook. */
  recordedBy: string | null;
}

/** A release with its product and its change entries in order. */
export interface ReleaseView {
  product: ProductEntity;
  release: ReleaseEntity;
  changes: ReleaseChangeEntity[];
}

export interface RecordedRelease extends ReleaseView {
  /** False when the same version with the same content was already recorded: nothing was written. */
  created: boolean;
}

const UNIQUE_VIOLATION = '23505';
const RELEASE_VERSION_KEY = 'releases_product_version_key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint: violated } = error as { code?: string; constraint?: string };
  return code === UNIQUE_VIOLATION && violated === constraint;
}

@Injectable()
export class ProductsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ProductEntity) private readonly products: Repository<ProductEntity>,
    @InjectRepository(ReleaseEntity) private readonly releases: Repository<ReleaseEntity>,
  ) {}

  async createProduct(input: NewProduct): Promise<ProductEntity> {
    try {
      return await this.products.save(this.products.create({ key: input.key, name: input.name }));
    } catch (error) {
      if (isUniqueViolation(error, 'products_key_key')) {
        throw new ConflictError(`A product with the key ${input.key} already exists`, { reason: 'PRODUCT_KEY_TAKEN' });
      }
      throw error;
    }
  }

  /** The key stays: webhooks, article filters and feature keys refer to it. */
  async renameProduct(productId: string, name: string): Promise<ProductEntity> {
    return this.dataSource.transaction(async (tx) => {
      const product = await tx.findOne(ProductEntity, { where: { id: productId }, lock: { mode: 'pessimistic_write' } });
      if (!product) throw new NotFoundError('Product', productId);
      if (product.name === name) return product;
      product.name = name;
      const saved = await tx.save(product);
      // Published articles show product names: delivery caches drop what they hold.
      await recordChange(tx, { kind: 'product', id: product.id, change: 'updated' });
      return saved;
    });
  }

  async getProduct(ref: ProductRef): Promise<ProductEntity> {
    return this.requireProduct(this.dataSource.manager, ref);
  }

  /** Products in order of their key. */
  async listProducts(page: PageRequest): Promise<Connection<ProductEntity>> {
    const query = this.products.createQueryBuilder('p');
    const totalCount = await query.getCount();
    if (page.after) {
      const [key] = decodeCursor(page.after, 1);
      if (typeof key !== 'string' || !PRODUCT_KEY_PATTERN.test(key)) throw invalidCursorError();
      query.andWhere('p.key > :key', { key });
    }
    const rows = await query.orderBy('p.key', 'ASC').take(page.first + 1).getMany();
    const edges = rows.slice(0, page.first).map((node) => ({ node, cursor: encodeCursor([node.key]) }));
    return { edges, totalCount, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** Releases of a product, newest first; the change entries of the whole page come in one query. */
  async listReleases(productId: string, page: PageRequest): Promise<Connection<ReleaseView>> {
    const product = await this.requireProduct(this.dataSource.manager, { id: productId });
    const query = this.releases.createQueryBuilder('r').where('r.product_id = :productId', { productId });
    const totalCount = await query.getCount();
    if (page.after) {
      const [releasedAt, id] = decodeCursor(page.after, 2);
      if (typeof releasedAt !== 'string' || Number.isNaN(Date.parse(releasedAt)) || typeof id !== 'string' || !UUID.test(id)) {
        throw invalidCursorError();
      }
      // Compared at the cursor's (JavaScript's) millisecond precision, as in UsersService.
      query.andWhere(`(date_trunc('milliseconds', r.released_at), r.id) < (:releasedAt::timestamptz, :id::uuid)`, { releasedAt, id });
    }
    const rows = await query
      .orderBy(`date_trunc('milliseconds', r.released_at)`, 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(page.first + 1)
      .getMany();
    const pageRows = rows.slice(0, page.first);
    const changes = await this.changesOf(
      this.dataSource.manager,
      pageRows.map((release) => release.id),
    );
    const edges = pageRows.map((release) => ({
      node: { product, release, changes: changes.get(release.id) ?? [] },
      cursor: encodeCursor([release.releasedAt.toISOString(), release.id]),
    }));
    return { edges, totalCount, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async getRelease(releaseId: string): Promise<ReleaseView> {
    const release = await this.releases.findOne({ where: { id: releaseId }, relations: { product: true } });
    if (!release?.product) throw new NotFoundError('Release', releaseId);
    const changes = await this.changesOf(this.dataSource.manager, [release.id]);
    return { product: release.product, release, changes: changes.get(release.id) ?? [] };
  }

  /**
   * Records a release and its change entries in one transaction. Idempotent per (product, version):
   * the same content again returns the stored release with `created: false`; different content is a
   * CONFLICT (RELEASE_EXISTS) and nothing is overwritten. Two identical requests racing each other both
   * pass the first check; the unique index lets one insert, and the other is answered as a repeat.
   */
  async recordRelease(command: RecordReleaseCommand): Promise<RecordedRelease> {
    const content = normalizeReleaseContent(command);
    const attempt = (tx: EntityManager): Promise<RecordedRelease> => this.recordOnce(tx, command, content);
    try {
      return await this.dataSource.transaction(attempt);
    } catch (error) {
      if (!isUniqueViolation(error, RELEASE_VERSION_KEY)) throw error;
      // The competing transaction has committed by now (the index waited for it): this finds its row.
      return this.dataSource.transaction(attempt);
    }
  }

  private async recordOnce(tx: EntityManager, command: RecordReleaseCommand, content: ReleaseContent): Promise<RecordedRelease> {
    const product = await this.requireProduct(tx, command.product);
    const existing = await tx.findOneBy(ReleaseEntity, { productId: product.id, version: content.version });
    if (existing) return this.repeated(tx, product, existing, content);

    const release = tx.create(ReleaseEntity, {
      productId: product.id,
      version: content.version,
      releasedAt: content.releasedAt,
      notesMarkdown: content.notesMarkdown,
      source: command.source,
      recordedBy: command.recordedBy,
    });
    await tx.insert(ReleaseEntity, release);
    const changes = content.changes.map((change, position) => tx.create(ReleaseChangeEntity, { releaseId: release.id, position, ...change }));
    if (changes.length > 0) await tx.insert(ReleaseChangeEntity, changes);
    await enqueueWebhookEvents(tx, [
      {
        type: 'release.recorded',
        data: {
          releaseId: release.id,
          productId: product.id,
          productKey: product.key,
          version: release.version,
          releasedAt: release.releasedAt,
          changes: changes.map((change) => ({ kind: change.kind, summary: change.summary, featureKeys: change.featureKeys })),
        },
      },
    ]);
    return { product, release, changes, created: true };
  }

  private async repeated(tx: EntityManager, product: ProductEntity, release: ReleaseEntity, content: ReleaseContent): Promise<RecordedRelease> {
    const changes = (await this.changesOf(tx, [release.id])).get(release.id) ?? [];
    const differences = releaseDifferences(
      { version: release.version, releasedAt: release.releasedAt, notesMarkdown: release.notesMarkdown, changes },
      content,
    );
    if (differences.length > 0) {
      throw new ConflictError(`Version ${release.version} of ${product.key} was already recorded with different content`, {
        reason: 'RELEASE_EXISTS',
        releaseId: release.id,
        differences,
      });
    }
    return { product, release, changes, created: false };
  }

  private async requireProduct(manager: EntityManager, ref: ProductRef): Promise<ProductEntity> {
    const product = 'id' in ref ? await manager.findOneBy(ProductEntity, { id: ref.id }) : await manager.findOneBy(ProductEntity, { key: ref.key });
    if (!product) throw new NotFoundError('Product', 'id' in ref ? ref.id : ref.key);
    return product;
  }

  private async changesOf(manager: EntityManager, releaseIds: string[]): Promise<Map<string, ReleaseChangeEntity[]>> {
    const byRelease = new Map<string, ReleaseChangeEntity[]>();
    if (releaseIds.length === 0) return byRelease;
    const rows = await manager.find(ReleaseChangeEntity, { where: { releaseId: In(releaseIds) }, order: { releaseId: 'ASC', position: 'ASC' } });
    for (const row of rows) {
      const list = byRelease.get(row.releaseId);
      if (list) list.push(row);
      else byRelease.set(row.releaseId, [row]);
    }
    return byRelease;
  }
}
