import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { ProductEntity } from './product.entity';
import { ReleaseChangeEntity } from './release-change.entity';

export enum ReleaseSource {
  Admin = 'admin',
  Webhook = 'webhook',
}

@Entity('releases')
@Index('releases_product_version_key', ['productId', 'version'], { unique: true })
@Index('releases_released_at_idx', ['releasedAt'])
export class ReleaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId!: string;

  @ManyToOne(() => ProductEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'product_id' })
  product?: ProductEntity;

  @Column({ type: 'text' })
  version!: string;

  @Column({ name: 'released_at', type: 'timestamptz' })
  releasedAt!: Date;

  @Column({ name: 'notes_markdown', type: 'text', default: '' })
  notesMarkdown!: string;

  @Column({ type: 'enum', enum: ReleaseSource, enumName: 'release_source' })
  source!: ReleaseSource;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @OneToMany(() => ReleaseChangeEntity, (change) => change.release)
  changes?: ReleaseChangeEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
