import { registerEnumType } from '@nestjs/graphql';

/** Why a member is told something. The forum and moderation raise these through MemberNotificationsService.notify. */
export enum MemberNotificationKind {
  ReplyOnFollowedThread = 'reply_on_followed_thread',
  AnswerAccepted = 'answer_accepted',
  Mention = 'mention',
  ModerationDecision = 'moderation_decision',
  AnswerPromoted = 'answer_promoted',
  PromotedArticlePublished = 'promoted_article_published',
}

registerEnumType(MemberNotificationKind, {
  name: 'MemberNotificationKind',
  description: 'Why the member was notified',
  valuesMap: {
    ReplyOnFollowedThread: { description: 'Someone replied in a thread the member follows' },
    AnswerAccepted: { description: "The member's answer was accepted" },
    Mention: { description: 'Someone mentioned the member' },
    ModerationDecision: { description: "A moderator decided on the member's post or thread" },
    AnswerPromoted: { description: "A help article was drafted from the member's accepted answer (credit)" },
    PromotedArticlePublished: { description: "The help article drafted from the member's accepted answer was published" },
  },
});
