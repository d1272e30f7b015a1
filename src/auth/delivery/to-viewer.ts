import { UserEntity } from '../../users/entities/user.entity';
import { Viewer } from './viewer.models';

export function toViewer(user: UserEntity): Viewer {
  return { id: user.id, email: user.email, displayName: user.displayName, trustLevel: user.trustLevel, createdAt: user.createdAt };
}
