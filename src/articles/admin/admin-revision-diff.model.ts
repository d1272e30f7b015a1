import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum AdminDiffSegmentKind {
  Equal = 'equal',
  Added = 'added',
  Removed = 'removed',
}
export enum AdminLineChangeKind {
  Equal = 'equal',
  Added = 'added',
  Removed = 'removed',
  Changed = 'changed',
}
registerEnumType(AdminDiffSegmentKind, { name: 'AdminDiffSegmentKind' });
registerEnumType(AdminLineChangeKind, { name: 'AdminLineChangeKind' });

@ObjectType()
export class AdminDiffSegment {
  @Field(() => AdminDiffSegmentKind) kind!: AdminDiffSegmentKind;
  @Field() text!: string;
}

@ObjectType({ description: 'One line of the body diff; word-level segments for changed lines' })
export class AdminLineChange {
  @Field(() => AdminLineChangeKind) kind!: AdminLineChangeKind;
  @Field(() => Int, { nullable: true }) oldLineNumber!: number | null;
  @Field(() => Int, { nullable: true }) newLineNumber!: number | null;
  @Field(() => String, { nullable: true }) oldText!: string | null;
  @Field(() => String, { nullable: true }) newText!: string | null;
  @Field(() => [AdminDiffSegment]) segments!: AdminDiffSegment[];
}

@ObjectType()
export class AdminDiffStats {
  @Field(() => Int) linesAdded!: number;
  @Field(() => Int) linesRemoved!: number;
  @Field(() => Int) linesChanged!: number;
}

@ObjectType({ description: 'Title (word-level) and body (line- and word-level) differences between two revisions' })
export class AdminRevisionDiff {
  @Field(() => Int) fromNumber!: number;
  @Field(() => Int) toNumber!: number;
  @Field(() => [AdminDiffSegment]) title!: AdminDiffSegment[];
  @Field() titleChanged!: boolean;
  @Field(() => [AdminLineChange]) body!: AdminLineChange[];
  @Field(() => AdminDiffStats) stats!: AdminDiffStats;
}
