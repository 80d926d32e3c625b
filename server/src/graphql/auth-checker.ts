import type { AuthChecker } from 'type-graphql';
import { demand, type Access } from './access.js';
import { contextFor, type Context } from './context.js';

/**
 * `@Authorized(rule)` takes an `Access` from a module's `policy.ts`, never a string: who may do
 * what is declared once per module, and the same rule guards operations and fields. A field of
 * something a sign-in (or an application) loaded is checked as that identity, not the caller's.
 */
export const authChecker: AuthChecker<Context, Access> = ({ root, context }, rules) => {
  const caller = contextFor(context, root).caller;
  for (const rule of rules) demand(rule, caller, root);
  return true;
};
