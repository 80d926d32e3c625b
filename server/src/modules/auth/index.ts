/** The auth module's front door (merchants, operators and roles, the team and invitations, sessions, passwords and their resets, API keys, sign-in limits, the caller): what other modules and the composition root may use. */
import { ApiKey } from './api-key.entity.js';
import { Merchant } from './merchant.entity.js';
import { Operator } from './operator.entity.js';
import { Session } from './session.entity.js';
import { SignInThrottleRow } from './signin-throttle.entity.js';
import { AuthResolver, MeResolver } from './auth.resolver.js';
import { PasswordsResolver, TeamResolver } from './accounts.resolver.js';
import { PasswordReset } from './password-reset.entity.js';

export type { AffiliateCaller, Caller, MerchantCaller, SignedInCaller } from './caller.js';
export { authPolicy } from './policy.js';

export { Merchant } from './merchant.entity.js';
export { ApiKeyScope, OperatorRole } from '../../graphql/roles.js';
export { Operator } from './operator.entity.js';
export { AuthService, emailSchema } from './auth.service.js';
export { AccountApp, Passwords } from './passwords.js';
export { Team } from './team.js';
export { newPasswordSchema } from './password-policy.js';
export { newToken, verifyPassword } from './secrets.js';
export { sessionCookie } from './auth.resolver.js';
export { sha256 } from './secrets.js';

/** Entities: db/orm.ts registers every module's list. */
export const authEntities = [Merchant, Operator, Session, ApiKey, SignInThrottleRow, PasswordReset];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const authResolvers = [AuthResolver, MeResolver, PasswordsResolver, TeamResolver] as const;
