import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

/** The `<meta name="robots">` values an editor may choose (lower case, no spaces). */
export const ROBOTS_DIRECTIVES = ['index,follow', 'noindex,follow', 'index,nofollow', 'noindex,nofollow'] as const;
export type RobotsDirective = (typeof ROBOTS_DIRECTIVES)[number];

export const MAX_SEO_URL_LENGTH = 2048;

/** An optional absolute http(s) URL such as an Open Graph image; null clears it. */
export function IsOptionalHttpUrl(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() || null : value)),
    IsString(),
    MaxLength(MAX_SEO_URL_LENGTH),
    IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: '$property must be an absolute http or https URL' }),
  );
}

/** An optional robots directive, written with any case and spaces ("NoIndex, Follow"); null: the default. */
export function IsOptionalRobotsDirective(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => (typeof value === 'string' ? value.replace(/\s+/g, '').toLowerCase() : value)),
    IsString(),
    IsIn(ROBOTS_DIRECTIVES, { message: `$property must be one of ${ROBOTS_DIRECTIVES.join(' | ')}` }),
  );
}
