import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import type { AssetKind } from '../content/sniff-file-type';

/** One stored file of an asset: the metadata-free original or a WebP width variant. */
export interface AssetFile {
  /** `original.<ext>` or `w<width>.webp`; the storage key is `<sha256>/<file>`. */
  file: string;
  contentType: string;
  byteSize: number;
  /** Images only. */
  width: number | null;
  height: number | null;
}

/** An uploaded image or attachment, content-addressed: one row (and one set of files) per distinct upload. */
@Entity('assets')
export class AssetEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'assets_pkey' })
  id!: string;

  /** Hex SHA-256 of the uploaded bytes: the public URL and the storage keys are made from it. */
  @Index('assets_sha256_key', { unique: true })
  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'text' })
  kind!: AssetKind;

  /** Content type of `original.<ext>`, from the sniffed format. */
  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  /** The uploader's file name, cleaned: shown in `Content-Disposition` of attachments. */
  @Column({ type: 'text' })
  filename!: string;

  @Column({ name: 'byte_size', type: 'integer' })
  byteSize!: number;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  /** Default alternative text; Markdown `![alt](asset:…)` overrides it where the image is used. */
  @Column({ type: 'text', default: '' })
  alt!: string;

  @Column({ type: 'jsonb' })
  files!: AssetFile[];

  @Column({ name: 'uploaded_by_id', type: 'uuid', nullable: true })
  uploadedById!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'uploaded_by_id', foreignKeyConstraintName: 'assets_uploaded_by_id_fkey' })
  uploadedBy?: UserEntity;

  @Index('assets_created_idx')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
