import { Module } from '@nestjs/common';
import { RecurringQuestionsService } from './recurring-questions.service';

/**
 * The recurring-question store and clustering. Not imported by the app yet: the lead wires it to forum
 * threads (thread created / accepted answer changed → `addQuestion`) and to the staleness scan
 * (`evaluateCluster` → stale flag or content gap); see docs/recurring-questions.md, "Wiring".
 */
@Module({
  providers: [RecurringQuestionsService],
  exports: [RecurringQuestionsService],
})
export class RecurringQuestionsModule {}
