import { AppConfig } from '../config/app-config';
import { Role } from '../users/role.enum';
import { UsersService } from '../users/users.service';

/** First run only: the demo admin. Later issues add the demo help center here. */
export async function seedDemo(users: UsersService, config: AppConfig): Promise<{ createdAdmin: boolean }> {
  if (await users.findByEmail(config.demo.adminEmail)) return { createdAdmin: false };
  await users.create({ email: config.demo.adminEmail, displayName: 'Demo Admin', password: config.demo.adminPassword, role: Role.Admin });
  return { createdAdmin: true };
}
