import { Global, Module } from '@nestjs/common';
import { LocalesService } from './locales.service';

@Global()
@Module({ providers: [LocalesService], exports: [LocalesService] })
export class LocalesModule {}
