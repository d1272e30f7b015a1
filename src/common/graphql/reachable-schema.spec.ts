import { buildSchema } from 'graphql';
import { reachableSchema } from './reachable-schema';

describe('reachableSchema', () => {
  it('drops types no root field reaches and keeps the rest', () => {
    const schema = buildSchema(`
      type Query { viewer: Viewer }
      type Viewer { id: ID! }
      type AdminUser { email: String! }
    `);
    const pruned = reachableSchema(schema);
    expect(pruned.getType('Viewer')).toBeDefined();
    expect(pruned.getType('AdminUser')).toBeUndefined();
  });
});
