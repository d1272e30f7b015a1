import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ReleaseEntity } from './release.entity';

export enum ChangeKind {
  Added = 'added',
  Changed = 'changed',
  Deprecated = 'deprecated',
  Removed = 'removed',
  Fixed = 'fixed',
  Security = 'security',
}

@Entity('release_changes')
@Index('release_changes_release_position_key', ['releaseId', 'position'], { unique: true })
@Index('release_changes_feature_keys_idx', { synchronize: false })
export class ReleaseChangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'release_id', type: 'uuid' })
  releaseId!: string;

  // By name: the release imports this entity, and a file cycle is avoided.
  @ManyToOne('ReleaseEntity', (release: ReleaseEntity) => release.changes, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id' })
  release?: ReleaseEntity;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'enum', enum: ChangeKind, enumName: 'release_change_kind' })
  kind!: ChangeKind;

  @Column({ type: 'text' })
  summary!: string;

  /** GIN-indexed (`release_changes_feature_keys_idx`, created in the migration). */
  @Column({ name: 'feature_keys', type: 'text', array: true, default: () => "'{}'" })
  featureKeys!: string[];
}
