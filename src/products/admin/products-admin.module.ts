import { Module } from '@nestjs/common';
import { ProductsModule } from '../products.module';
import { ProductsAdminResolver } from './products-admin.resolver';

@Module({ imports: [ProductsModule], providers: [ProductsAdminResolver] })
export class ProductsAdminModule {}
