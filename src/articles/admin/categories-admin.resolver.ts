import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/roles.decorator';
import { EDITORIAL_ROLES, STAFF_ROLES } from '../../users/role.enum';
import { CategoriesService } from '../categories.service';
import { AdminCategory } from './admin-category.model';
import { CategoryArgs, CategoryIdInput, CreateCategoryInput, MoveCategoryInput, UpdateCategoryInput } from './categories-admin.inputs';
import { toAdminCategory } from './to-admin-category';

const READERS = STAFF_ROLES;
const WRITERS = EDITORIAL_ROLES;

@Resolver(() => AdminCategory)
export class CategoriesAdminResolver {
  constructor(private readonly categoriesService: CategoriesService) {}

  @Roles(...READERS)
  @Query(() => [AdminCategory], { description: 'Every category, ordered by position within its parent' })
  async categories(): Promise<AdminCategory[]> {
    return (await this.categoriesService.tree()).map(toAdminCategory);
  }

  @Roles(...READERS)
  @Query(() => AdminCategory)
  async category(@Args() args: CategoryArgs): Promise<AdminCategory> {
    return toAdminCategory(await this.categoriesService.getById(args.id));
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminCategory)
  async createCategory(@Args('input') input: CreateCategoryInput): Promise<AdminCategory> {
    return toAdminCategory(await this.categoriesService.create(input));
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminCategory, { description: 'Renames (per locale), changes slugs, description or review interval' })
  async updateCategory(@Args('input') input: UpdateCategoryInput): Promise<AdminCategory> {
    return toAdminCategory(await this.categoriesService.update(input));
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminCategory, { description: 'Moves under another parent and/or to another position (reorder); refuses cycles' })
  async moveCategory(@Args('input') input: MoveCategoryInput): Promise<AdminCategory> {
    return toAdminCategory(await this.categoriesService.move(input));
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminCategory, { description: 'Deletes an empty category (no sub-categories, no articles)' })
  async deleteCategory(@Args('input') input: CategoryIdInput): Promise<AdminCategory> {
    return toAdminCategory(await this.categoriesService.delete(input.id));
  }
}
