import { registerEnumType } from '@nestjs/graphql';
import { ChangeKind } from '../entities/release-change.entity';
import { ReleaseSource } from '../entities/release.entity';

registerEnumType(ChangeKind, {
  name: 'ReleaseChangeKind',
  description: 'What a change entry of a release did to a feature',
});
registerEnumType(ReleaseSource, { name: 'ReleaseSource', description: 'How a release was recorded' });

export { ChangeKind, ReleaseSource };
