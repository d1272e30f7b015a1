import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum BlockedPatternKind {
  /** A word or phrase, matched case-insensitively on word boundaries. */
  Word = 'word',
  /** A regular expression, run by a linear-time engine (RE2 semantics). */
  Regex = 'regex',
}

/** A blocked word or pattern: posts matching it are held. Null locale: every locale. */
@Entity('blocked_patterns')
/** UNIQUE (coalesce(locale, ''), kind, pattern) (in the migration). */
@Index('blocked_patterns_key', { synchronize: false })
export class BlockedPatternEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'blocked_patterns_pkey' })
  id!: string;

  @Column({ type: 'text', nullable: true })
  locale!: string | null;

  @Column({ type: 'enum', enum: BlockedPatternKind, enumName: 'blocked_pattern_kind' })
  kind!: BlockedPatternKind;

  @Column({ type: 'text' })
  pattern!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
