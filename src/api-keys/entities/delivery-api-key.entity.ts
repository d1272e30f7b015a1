import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A key front ends send to the delivery API (`X-Api-Key`); only the SHA-256 of the secret is stored. */
@Entity('delivery_api_keys')
export class DeliveryApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Who uses it, e.g. "Help centre (Next.js)". */
  @Column({ type: 'text' })
  label!: string;

  @Index('delivery_api_keys_key_hash_key', { unique: true })
  @Column({ name: 'key_hash', type: 'text' })
  keyHash!: string;

  /** First characters of the key, so an admin can recognise it in a list. */
  @Column({ name: 'key_prefix', type: 'text' })
  keyPrefix!: string;

  /** Requests per rate-limit window for this key; null: the default (`RATE_LIMIT_PER_KEY`), 0: no limit. */
  @Column({ name: 'rate_limit', type: 'integer', nullable: true })
  rateLimit!: number | null;

  /** The admin who created it. No foreign key: the key outlives the account. */
  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
