import { MigrationInterface, QueryRunner } from 'typeorm';

const insertFunction = (publicDf: boolean): string => `CREATE OR REPLACE FUNCTION search_terms_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_terms (lexeme, df${publicDf ? ', public_df' : ''})
              SELECT l, count(*)${publicDf ? `, count(*) FILTER (WHERE new_rows.visibility = 'public')` : ''} FROM new_rows, unnest(tsvector_to_array(new_rows.tsv)) AS l GROUP BY l ORDER BY l
              ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + EXCLUDED.df${publicDf ? ', public_df = search_terms.public_df + EXCLUDED.public_df' : ''};
              RETURN NULL;
            END $$`;

const updateFunction = (publicDf: boolean): string => `CREATE OR REPLACE FUNCTION search_terms_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_terms (lexeme, df${publicDf ? ', public_df' : ''})
              SELECT l, sum(d)${publicDf ? ', sum(p)' : ''} FROM (
                SELECT l, 1 AS d, (new_rows.visibility = 'public')::int AS p FROM new_rows, unnest(tsvector_to_array(new_rows.tsv)) AS l
                UNION ALL
                SELECT l, -1, -(old_rows.visibility = 'public')::int FROM old_rows, unnest(tsvector_to_array(old_rows.tsv)) AS l) x
              GROUP BY l HAVING sum(d) <> 0${publicDf ? ' OR sum(p) <> 0' : ''} ORDER BY l
              ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + EXCLUDED.df${publicDf ? ', public_df = search_terms.public_df + EXCLUDED.public_df' : ''};
              RETURN NULL;
            END $$`;

const deleteFunction = (publicDf: boolean): string => `CREATE OR REPLACE FUNCTION search_terms_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_terms (lexeme, df${publicDf ? ', public_df' : ''})
              SELECT l, -count(*)${publicDf ? `, -count(*) FILTER (WHERE old_rows.visibility = 'public')` : ''} FROM old_rows, unnest(tsvector_to_array(old_rows.tsv)) AS l GROUP BY l ORDER BY l
              ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + EXCLUDED.df${publicDf ? ', public_df = search_terms.public_df + EXCLUDED.public_df' : ''};
              RETURN NULL;
            END $$`;

/**
 * Two defences of the 2026-12 search audit (decision 0037).
 *
 * Document frequency among public documents (`public_df`) beside the frequency among all indexed documents: public
 * searches rank and correct spelling with it, so a word only drafts, internal or unpublished documents contain
 * changes nothing an anonymous reader sees (docs/search.md, "What the public can learn"; decision 0037). Kept by
 * the same statement-level triggers.
 *
 * `search_query_log.client_key`: a keyed hash of the searching client's network and the 30-day period (never the
 * address), so that search gaps count distinct clients and one client cannot make a content gap alone.
 */
export class SearchAuditHardening1765480000000 implements MigrationInterface {
    name = 'SearchAuditHardening1765480000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "search_query_log" ADD "client_key" text`);
        await queryRunner.query(`ALTER TABLE "search_terms" ADD "public_df" integer NOT NULL DEFAULT 0`);
        await queryRunner.query(insertFunction(true));
        await queryRunner.query(updateFunction(true));
        await queryRunner.query(deleteFunction(true));
        await queryRunner.query(`UPDATE search_terms t SET public_df = s.ndoc
                                 FROM ts_stat($q$SELECT tsv FROM search_documents WHERE visibility = 'public'$q$) s WHERE t.lexeme = s.word`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(insertFunction(false));
        await queryRunner.query(updateFunction(false));
        await queryRunner.query(deleteFunction(false));
        await queryRunner.query(`ALTER TABLE "search_terms" DROP COLUMN "public_df"`);
        await queryRunner.query(`ALTER TABLE "search_query_log" DROP COLUMN "client_key"`);
    }
}
