import { Role } from '../users/role.enum';
import { effectiveTokenRole, grantableTokenRoles } from './token-scope';

describe('personal access token scopes', () => {
  it.each([
    [Role.Admin, [Role.Admin, Role.Editor, Role.Moderator]],
    [Role.Editor, [Role.Editor]],
    [Role.Moderator, [Role.Moderator]],
    [Role.Member, []],
  ])('lets a %s grant at most their own role', (owner, roles) => {
    expect([...grantableTokenRoles(owner)].sort()).toEqual([...roles].sort());
  });

  it.each([
    [Role.Editor, Role.Admin, Role.Editor],
    [Role.Admin, Role.Admin, Role.Admin],
    [Role.Admin, Role.Editor, null],
    [Role.Editor, Role.Moderator, null],
    [Role.Moderator, Role.Member, null],
  ])('acts as %s for an owner who is %s: %s', (token, owner, expected) => {
    expect(effectiveTokenRole(token, owner)).toBe(expected);
  });
});
