import { CategoryWithTranslations } from '../categories.service';
import { AdminCategory } from './admin-category.model';

export function toAdminCategory(category: CategoryWithTranslations): AdminCategory {
  return {
    id: category.id,
    parentId: category.parentId,
    position: category.position,
    reviewIntervalDays: category.reviewIntervalDays,
    robots: category.robots,
    translations: [...category.translations]
      .sort((a, b) => a.locale.localeCompare(b.locale))
      .map((t) => ({
        locale: t.locale,
        name: t.name,
        slug: t.slug,
        description: t.description,
        seoTitle: t.seoTitle,
        seoDescription: t.seoDescription,
        ogImageUrl: t.ogImageUrl,
      })),
    createdAt: category.createdAt,
    updatedAt: category.updatedAt,
  };
}
