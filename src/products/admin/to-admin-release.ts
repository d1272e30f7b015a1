import { ProductEntity } from '../entities/product.entity';
import { ReleaseView } from '../products.service';
import { AdminProduct } from './admin-product.model';
import { AdminRelease } from './admin-release.model';

export function toAdminProduct(product: ProductEntity): AdminProduct {
  return { id: product.id, key: product.key, name: product.name, createdAt: product.createdAt, updatedAt: product.updatedAt };
}

export function toAdminRelease({ product, release, changes }: ReleaseView): AdminRelease {
  return {
    id: release.id,
    product: toAdminProduct(product),
    version: release.version,
    releasedAt: release.releasedAt,
    notesMarkdown: release.notesMarkdown,
    source: release.source,
    recordedById: release.recordedBy,
    changes: changes.map((change) => ({
      id: change.id,
      position: change.position,
      kind: change.kind,
      summary: change.summary,
      featureKeys: change.featureKeys,
    })),
    createdAt: release.createdAt,
  };
}
