import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProductEntity } from './entities/product.entity';
import { ReleaseChangeEntity } from './entities/release-change.entity';
import { ReleaseEntity } from './entities/release.entity';
import { ProductsService } from './products.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProductEntity, ReleaseEntity, ReleaseChangeEntity])],
  providers: [ProductsService],
  exports: [ProductsService],
})
export class ProductsModule {}
