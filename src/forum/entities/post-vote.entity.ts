import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { PostEntity } from './post.entity';

/** One vote per member per post (unique), +1 or -1; withdrawing deletes the row. */
@Entity('post_votes')
@Index('post_votes_post_voter_key', ['postId', 'voterId'], { unique: true })
@Index('post_votes_voter_idx', ['voterId'])
@Check('post_votes_value_check', '"value" IN (-1, 1)')
export class PostVoteEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: PostEntity;

  @Column({ name: 'voter_id', type: 'uuid' })
  voterId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'voter_id' })
  voter?: UserEntity;

  @Column({ type: 'smallint' })
  value!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
