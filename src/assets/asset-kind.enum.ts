import { registerEnumType } from '@nestjs/graphql';

export enum AssetKind {
  Image = 'image',
  Attachment = 'attachment',
}

registerEnumType(AssetKind, { name: 'AssetKind', description: 'image: shown inline, resized into variants; attachment: downloaded (PDF, ZIP, text)' });
