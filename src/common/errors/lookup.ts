import { BadUserInputError } from './app-error';

/**
 * A lookup by id or slug (`category`, `thread`) given neither: BAD_USER_INPUT naming `slug`, as `article` answers,
 * rather than NOT_FOUND of an empty name.
 */
export function requireIdOrSlug(lookup: { id?: string | null; slug?: string | null }): void {
  if (!lookup.id && !lookup.slug) {
    throw new BadUserInputError('Give a slug or an id', [{ field: 'slug', messages: ['one of slug and id is required'] }]);
  }
}
