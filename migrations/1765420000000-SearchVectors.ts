import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sentence vectors of searchable documents' titles for the semantic rerank of search results (docs/search.md,
 * "Semantic rerank"; decision 0030): written as null by the indexing worker when a title changes, filled by the
 * `search-embeddings` job. `text` is what the vector was (or is to be) computed from.
 */
export class SearchVectors1765420000000 implements MigrationInterface {
    name = 'SearchVectors1765420000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "search_vectors" ("kind" text NOT NULL, "id" uuid NOT NULL, "locale" text NOT NULL, "text" text NOT NULL, "vector" bytea, "updated_at" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "PK_search_vectors" PRIMARY KEY ("kind", "id", "locale"))`);
        await queryRunner.query(`CREATE INDEX "IDX_search_vectors_pending" ON "search_vectors" ("updated_at") WHERE "vector" IS NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "search_vectors"`);
    }
}
