import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { canonicalLocale } from '../../config/load-config';
import { BadUserInputError } from '../errors/app-error';

/** The configured locales; turns client-supplied tags into canonical supported ones or refuses them. */
@Injectable()
export class LocalesService {
  constructor(private readonly config: AppConfig) {}

  get supported(): readonly string[] {
    return this.config.locales.supported;
  }

  get defaultLocale(): string {
    return this.config.locales.default;
  }

  get fallback(): string | null {
    return this.config.locales.fallback;
  }

  /** `zh-cn` → `zh-CN`; BAD_USER_INPUT naming `field` when the tag is malformed or not configured. */
  resolve(locale: string, field = 'locale'): string {
    const canonical = canonicalLocale(locale);
    if (!canonical || !this.config.locales.supported.includes(canonical)) {
      throw new BadUserInputError(`Locale ${JSON.stringify(locale)} is not supported`, [
        { field, messages: [`${field} must be one of ${this.config.locales.supported.join(', ')}`] },
      ]);
    }
    return canonical;
  }
}
