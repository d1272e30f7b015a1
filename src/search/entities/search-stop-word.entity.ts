import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('search_stop_words')
export class SearchStopWordEntity {
  @PrimaryColumn({ type: 'text' })
  locale!: string;

  @PrimaryColumn({ type: 'text' })
  word!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
