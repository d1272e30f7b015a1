import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Document frequency per indexed lexeme, for BM25 ranking on the PostgreSQL engine (docs/search.md,
 * "Ranking"). Kept by statement-level triggers on `search_documents` (insert, update, delete), which
 * apply one aggregated delta per statement in lexeme order, so concurrent writers lock rows in the same
 * order. Lexemes collate as "C" so that a prefix (`passw%`) is an index range.
 */
export class SearchTermStats1764400000000 implements MigrationInterface {
    name = 'SearchTermStats1764400000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "search_terms" ("lexeme" text COLLATE "C" NOT NULL PRIMARY KEY, "df" integer NOT NULL)`);
        await queryRunner.query(`CREATE FUNCTION search_terms_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_terms (lexeme, df)
              SELECT l, count(*) FROM new_rows, unnest(tsvector_to_array(new_rows.tsv)) AS l GROUP BY l ORDER BY l
              ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + EXCLUDED.df;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE FUNCTION search_terms_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_terms (lexeme, df)
              SELECT l, sum(d) FROM (
                SELECT l, 1 AS d FROM new_rows, unnest(tsvector_to_array(new_rows.tsv)) AS l
                UNION ALL
                SELECT l, -1 FROM old_rows, unnest(tsvector_to_array(old_rows.tsv)) AS l) x
              GROUP BY l HAVING sum(d) <> 0 ORDER BY l
              ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + EXCLUDED.df;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE FUNCTION search_terms_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_terms (lexeme, df)
              SELECT l, -count(*) FROM old_rows, unnest(tsvector_to_array(old_rows.tsv)) AS l GROUP BY l ORDER BY l
              ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + EXCLUDED.df;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER search_terms_insert AFTER INSERT ON search_documents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_terms_after_insert()`);
        await queryRunner.query(`CREATE TRIGGER search_terms_update AFTER UPDATE ON search_documents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_terms_after_update()`);
        await queryRunner.query(`CREATE TRIGGER search_terms_delete AFTER DELETE ON search_documents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_terms_after_delete()`);
        await queryRunner.query(`INSERT INTO search_terms (lexeme, df) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search_documents')`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER search_terms_delete ON search_documents`);
        await queryRunner.query(`DROP TRIGGER search_terms_update ON search_documents`);
        await queryRunner.query(`DROP TRIGGER search_terms_insert ON search_documents`);
        await queryRunner.query(`DROP FUNCTION search_terms_after_delete()`);
        await queryRunner.query(`DROP FUNCTION search_terms_after_update()`);
        await queryRunner.query(`DROP FUNCTION search_terms_after_insert()`);
        await queryRunner.query(`DROP TABLE "search_terms"`);
    }
}
