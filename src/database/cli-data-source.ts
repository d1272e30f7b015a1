import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';

// Used by the TypeORM CLI through `npm run migration:*`; src/cli/typeorm.ts sets DATABASE_URL
// (starting embedded PostgreSQL first when none is configured).
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set; run the migration scripts through `npm run`');

export default new DataSource(dataSourceOptions(url, 2));
