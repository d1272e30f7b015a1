import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every facet value of a search document in one array (`category:<id>`, `tag:<tag>`, …): facets in one pass. */
export class SearchFacetValues1764115200000 implements MigrationInterface {
    name = 'SearchFacetValues1764115200000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "search_documents" ADD "facet_values" text[] NOT NULL DEFAULT '{}'`);
        await queryRunner.query(`UPDATE "search_documents" SET "facet_values" =
            ARRAY['kind:' || "kind", 'locale:' || "locale", 'status:' || "status"]
            || CASE WHEN "solved" IS NULL THEN '{}'::text[] ELSE ARRAY['solved:' || "solved"::text] END
            || ARRAY(SELECT 'category:' || c::text FROM unnest("category_ids") AS c)
            || ARRAY(SELECT 'product:' || p FROM unnest("product_keys") AS p)
            || ARRAY(SELECT 'tag:' || t FROM unnest("tags") AS t)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "search_documents" DROP COLUMN "facet_values"`);
    }
}
