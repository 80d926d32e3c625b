import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors.js';
import { OperatorRole } from '../modules/auth/operator.entity.js';
import { contextFor, type Context } from './context.js';

/**
 * `@Authorized(...)` rules. OPERATOR: any operator or API key. An operator role name: operators
 * with that role and owners (who may do everything); API keys pass FINANCE only (integrations
 * record orders and read commissions and payouts), so a leaked key cannot change campaigns or
 * review applications. AFFILIATE: a signed-in affiliate. SESSION_OWNER: owners signed in.
 * A field of something a sign-in loaded is checked as that sign-in's identity, not the caller's.
 */
export type Rule = 'OPERATOR' | OperatorRole | 'AFFILIATE' | 'SESSION_OWNER';

export const authChecker: AuthChecker<Context, Rule> = ({ root, context }, rules) => {
  const caller = contextFor(context, root).caller;
  if (caller.kind === 'anonymous') throw unauthenticated();
  const allowed = rules.some((rule) => {
    switch (rule) {
      case 'AFFILIATE':
        return caller.kind === 'affiliate';
      case 'OPERATOR':
        return caller.kind === 'operator' || caller.kind === 'apiKey';
      case 'SESSION_OWNER':
        return caller.kind === 'operator' && caller.role === OperatorRole.OWNER;
      default:
        if (caller.kind === 'apiKey') return rule === OperatorRole.FINANCE;
        return caller.kind === 'operator' && (caller.role === rule || caller.role === OperatorRole.OWNER);
    }
  });
  if (!allowed) throw forbidden();
  return true;
};
