import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, ValidateNested } from 'class-validator';
import { TextDecoder } from 'node:util';
import { BadUserInputError } from '../../common/errors/app-error';
import { IsFeatureKeyList } from '../../common/validation/content-fields';
import { AppValidationPipe } from '../../common/validation/validation-pipe';
import { ChangeKind } from '../entities/release-change.entity';
import { IsChangeSummary, IsProductKey, IsReleaseInstant, IsReleaseNotes, IsReleaseVersion, MAX_RELEASE_CHANGES } from '../product-fields';

const KINDS = Object.values(ChangeKind).join(', ');

export class ReleaseWebhookChange {
  @IsEnum(ChangeKind, { message: `kind must be one of ${KINDS}` }) kind!: ChangeKind;
  @IsChangeSummary() summary!: string;
  @IsFeatureKeyList() featureKeys?: string[];
}

/** The JSON body of `POST /webhooks/releases`; unknown fields are refused. */
export class ReleaseWebhookPayload {
  @IsProductKey() product!: string;
  @IsReleaseVersion() version!: string;
  @IsReleaseInstant() releasedAt!: string;
  @IsOptional() @IsReleaseNotes() notes?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RELEASE_CHANGES)
  @ValidateNested({ each: true })
  @Type(() => ReleaseWebhookChange)
  changes?: ReleaseWebhookChange[];
}

const pipe = new AppValidationPipe();
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as a validated payload, or BAD_USER_INPUT naming what is wrong. */
export async function parseReleasePayload(body: Buffer): Promise<ReleaseWebhookPayload> {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch {
    throw new BadUserInputError('The body is not valid JSON', [{ field: 'body', messages: ['body must be a JSON object in UTF-8'] }]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BadUserInputError('The body is not valid', [{ field: 'body', messages: ['body must be a JSON object'] }]);
  }
  return (await pipe.transform(json, { type: 'body', metatype: ReleaseWebhookPayload })) as ReleaseWebhookPayload;
}
