import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { EDITORIAL_ROLES, STAFF_ROLES } from '../../users/role.enum';
import { ReleaseSource } from '../entities/release.entity';
import { ProductRef, ProductsService } from '../products.service';
import { AdminProduct, AdminProductConnection } from './admin-product.model';
import { AdminRecordedRelease, AdminRelease, AdminReleaseConnection } from './admin-release.model';
import {
  CreateProductInput,
  ProductArgs,
  ProductsArgs,
  RecordReleaseInput,
  ReleaseArgs,
  ReleasesArgs,
  UpdateProductInput,
} from './products-admin.inputs';
import { toAdminProduct, toAdminRelease } from './to-admin-release';

const READERS = STAFF_ROLES;
const WRITERS = EDITORIAL_ROLES;

/** Validation guarantees exactly one of the two is set. */
function productRef(id: string | null | undefined, key: string | null | undefined): ProductRef {
  return id ? { id } : { key: key as string };
}

@Resolver(() => AdminProduct)
export class ProductsAdminResolver {
  constructor(private readonly productsService: ProductsService) {}

  @Roles(...READERS)
  @Query(() => AdminProductConnection, { description: 'Products in order of their key' })
  async products(@Args() args: ProductsArgs): Promise<AdminProductConnection> {
    const page = await this.productsService.listProducts(args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminProduct(edge.node) })) };
  }

  @Roles(...READERS)
  @Query(() => AdminProduct, { description: 'A product by id or by key' })
  async product(@Args() args: ProductArgs): Promise<AdminProduct> {
    return toAdminProduct(await this.productsService.getProduct(productRef(args.id, args.key)));
  }

  @Roles(...READERS)
  @Query(() => AdminReleaseConnection, { description: 'Releases of a product, newest first' })
  async releases(@Args() args: ReleasesArgs): Promise<AdminReleaseConnection> {
    const page = await this.productsService.listReleases(args.productId, args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminRelease(edge.node) })) };
  }

  @Roles(...READERS)
  @Query(() => AdminRelease)
  async release(@Args() args: ReleaseArgs): Promise<AdminRelease> {
    return toAdminRelease(await this.productsService.getRelease(args.id));
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminProduct, { description: 'CONFLICT (PRODUCT_KEY_TAKEN) when the key is in use' })
  async createProduct(@Args('input') input: CreateProductInput): Promise<AdminProduct> {
    return toAdminProduct(await this.productsService.createProduct(input));
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminProduct, { description: 'Renames a product; its key never changes' })
  async updateProduct(@Args('input') input: UpdateProductInput): Promise<AdminProduct> {
    return toAdminProduct(await this.productsService.renameProduct(input.productId, input.name));
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminRecordedRelease, {
    description:
      'Records a release with its change entries. The same version again with the same content returns the stored release (created: false); with different content it is CONFLICT (RELEASE_EXISTS) and nothing changes',
  })
  async recordRelease(@CurrentUser() editor: AuthUser, @Args('input') input: RecordReleaseInput): Promise<AdminRecordedRelease> {
    const { created, ...view } = await this.productsService.recordRelease({
      ...input,
      product: productRef(input.productId, input.productKey),
      source: ReleaseSource.Admin,
      recordedBy: editor.id,
    });
    return { created, release: toAdminRelease(view) };
  }
}
