import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ModerationPolicy } from './forum-enums';

/** A space of the community forum. */
@Entity('boards')
@Index('boards_slug_key', ['slug'], { unique: true })
@Index('boards_locale_position_idx', ['locale', 'position'])
export class BoardEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'integer', default: 0 })
  position!: number;

  @Column({ name: 'moderation_policy', type: 'enum', enum: ModerationPolicy, enumName: 'board_moderation_policy', default: ModerationPolicy.Open })
  moderationPolicy!: ModerationPolicy;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
