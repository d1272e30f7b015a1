import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { BidirectionalPageArgs } from '../../common/graphql/connection';
import { MAX_MARK_IDS } from '../member-notifications.service';

@ArgsType()
export class NotificationsArgs extends BidirectionalPageArgs {
  @Field(() => Boolean, { defaultValue: false, description: 'Only unread notifications' })
  @IsBoolean()
  unreadOnly = false;
}

@InputType({ description: 'Either `ids` or `all: true`' })
export class MarkNotificationsReadInput {
  @Field(() => [ID], { nullable: true, description: `Up to ${MAX_MARK_IDS} of the member's notifications` })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MARK_IDS)
  @IsUUID('all', { each: true })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Every unread notification of the member' })
  @IsOptional()
  @IsBoolean()
  all?: boolean | null;
}

@InputType()
export class UpdateNotificationSettingsInput {
  @Field()
  @IsBoolean()
  emailDigest!: boolean;
}
