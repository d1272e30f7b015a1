import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A group of words that mean the same in a locale (`invoice ⇄ bill`). */
@Entity('search_synonyms')
@Index('search_synonyms_locale_idx', ['locale'])
export class SearchSynonymEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'text', array: true })
  words!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
