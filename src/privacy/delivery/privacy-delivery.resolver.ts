import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { ClientIp, CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { ALL_ROLES } from '../../users/role.enum';
import { PrivacyService } from '../privacy.service';
import { DeleteMyAccountInput } from './privacy-delivery.inputs';
import { AccountDeletion, PersonalDataExport } from './privacy-delivery.models';

@Resolver()
export class PrivacyDeliveryResolver {
  constructor(private readonly privacy: PrivacyService) {}

  @Roles(...ALL_ROLES)
  @Query(() => PersonalDataExport, { description: 'Everything personal kept about the signed-in account, as JSON' })
  async exportMyData(@CurrentUser() user: AuthUser): Promise<PersonalDataExport> {
    const data = await this.privacy.exportData(user.id);
    return { exportedAt: new Date(data.exportedAt), json: JSON.stringify(data) };
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => AccountDeletion, {
    description: 'Deletes the signed-in account (password to confirm): personal data is erased, sign-in stops; posts stay, by "Deleted member"',
  })
  async deleteMyAccount(@CurrentUser() user: AuthUser, @Args('input') input: DeleteMyAccountInput, @ClientIp() ip: string): Promise<AccountDeletion> {
    return { deletedAt: await this.privacy.deleteAccount(user, input.password, ip) };
  }
}
