import { Global, Module } from '@nestjs/common';
import { LiveEvents } from './live-events.service';

/** GraphQL subscription events across API instances; global because both GraphQL endpoints are built from it. */
@Global()
@Module({ providers: [LiveEvents], exports: [LiveEvents] })
export class LiveEventsModule {}
