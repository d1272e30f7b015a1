import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { IsDefined, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ArticleFeedbackInput, ArticleLookupArgs, PublishedArticlesArgs, RelatedArgs } from '../../articles/delivery/articles.args';
import { AppValidationPipe } from './validation-pipe';
import { compileValidationPlan } from './precompiled-check';

const pipe = new AppValidationPipe();
const meta = (metatype: ArgumentMetadata['metatype'], data?: string): ArgumentMetadata => ({ type: 'body', metatype, data });
/** What the full ValidationPipe answers: the instance, or the error it throws. */
async function full(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
  try {
    return await ValidationPipe.prototype.transform.call(pipe, value, metadata);
  } catch (error) {
    return error;
  }
}

const UUID = '3f1c7a7e-2b51-4f7e-9c1e-0f3a8d6c2b10';

describe('precompiled argument checks', () => {
  it.each([
    [ArticleLookupArgs, { slug: 'how-to', locale: 'en' }],
    [ArticleLookupArgs, { id: UUID, slug: null, locale: ' de ' }],
    [PublishedArticlesArgs, { categoryId: UUID, first: 20 }],
    [PublishedArticlesArgs, { tag: 'x', includeSubcategories: false, first: 5, after: null }],
    [RelatedArgs, { limit: 3 }],
    [ArticleFeedbackInput, { articleId: UUID, locale: 'en', helpful: true, comment: '  thanks ' }],
  ])('answers valid %p arguments exactly like ValidationPipe (%p)', async (metatype, value) => {
    const fast = pipe.precompiledPath({ ...value }, meta(metatype));
    expect(fast).toBeInstanceOf(metatype);
    expect(fast).toEqual(await full({ ...value }, meta(metatype)));
  });

  it.each([
    [ArticleLookupArgs, { slug: '', locale: 'en' }],
    [ArticleLookupArgs, { slug: 'a', locale: 'not a tag' }],
    [ArticleLookupArgs, { id: 'nope' }],
    [ArticleLookupArgs, { slug: 'a', extra: 1 }],
    [ArticleLookupArgs, { slug: 42 }],
    [PublishedArticlesArgs, { first: 1000 }],
    [RelatedArgs, { limit: 0 }],
    [ArticleFeedbackInput, { articleId: UUID, locale: 'en', helpful: 'yes' }],
    [ArticleFeedbackInput, { articleId: UUID, locale: 'en' }],
  ])('leaves invalid %p arguments to ValidationPipe, which refuses them (%p)', async (metatype, value) => {
    expect(pipe.precompiledPath({ ...value }, meta(metatype))).toBeUndefined();
    await expect(pipe.transform({ ...value }, meta(metatype, 'input'))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('takes the full path for nested objects, prototype keys and classes with rules it does not model', () => {
    expect(pipe.precompiledPath({ slug: { a: 1 } }, meta(ArticleLookupArgs))).toBeUndefined();
    expect(pipe.precompiledPath(JSON.parse('{"slug":"a","constructor":"x"}'), meta(ArticleLookupArgs))).toBeUndefined();
    class Nested {
      @IsOptional() @IsString() a?: string;
      @ValidateNested() b?: object;
    }
    class Defined {
      @IsDefined() a?: string;
    }
    class NoRules {
      a?: string;
    }
    expect(compileValidationPlan(Nested)).toBeNull();
    expect(compileValidationPlan(Defined)).toBeNull();
    expect(compileValidationPlan(NoRules)).toBeNull();
    expect(pipe.precompiledPath({ a: 'x' }, meta(NoRules))).toBeUndefined();
  });
});
