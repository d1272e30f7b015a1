import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { CategoryTranslationEntity } from './category-translation.entity';

@Entity('categories')
@Index('categories_parent_position_idx', ['parentId', 'position'])
@Check('categories_review_interval_check', '"review_interval_days" IS NULL OR "review_interval_days" BETWEEN 1 AND 3650')
export class CategoryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @ManyToOne(() => CategoryEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parent?: CategoryEntity | null;

  /** Order among siblings, 0-based and gap-free after every move or reorder. */
  @Column({ type: 'integer' })
  position!: number;

  /** Articles in this category use it unless they set their own; null means the configured default. */
  @Column({ name: 'review_interval_days', type: 'integer', nullable: true })
  reviewIntervalDays!: number | null;

  /** `<meta name="robots">` of its pages (one of ROBOTS_DIRECTIVES); null: index,follow. */
  @Column({ type: 'text', nullable: true })
  robots!: string | null;

  @OneToMany(() => CategoryTranslationEntity, (translation) => translation.category)
  translations?: CategoryTranslationEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
