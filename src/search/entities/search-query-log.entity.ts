import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One search made on the delivery API, for analytics (no user or address is stored; emails and phone numbers are masked). */
@Entity('search_query_log')
@Index('search_query_log_searched_at_idx', ['searchedAt'])
@Index('search_query_log_normalized_idx', ['normalizedQuery', 'searchedAt'])
export class SearchQueryLogEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  query!: string;

  /** Lower-cased words, for grouping. */
  @Column({ name: 'normalized_query', type: 'text' })
  normalizedQuery!: string;

  @Column({ type: 'text', nullable: true })
  locale!: string | null;

  @Column({ name: 'result_count', type: 'integer' })
  resultCount!: number;

  /** Set by the first recorded click on one of its hits. */
  @Column({ name: 'clicked_at', type: 'timestamptz', nullable: true })
  clickedAt!: Date | null;

  @Column({ name: 'clicked_document', type: 'text', nullable: true })
  clickedDocument!: string | null;

  @Column({ name: 'clicked_position', type: 'integer', nullable: true })
  clickedPosition!: number | null;

  /** Keyed hash of the client's network and the 30-day period (SearchAnalytics.clientKey): distinct clients, never the address. */
  @Column({ name: 'client_key', type: 'text', nullable: true })
  clientKey!: string | null;

  @Column({ name: 'searched_at', type: 'timestamptz', default: () => 'now()' })
  searchedAt!: Date;
}
