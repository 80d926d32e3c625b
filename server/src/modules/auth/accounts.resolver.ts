import { Arg, Authorized, ID, Mutation, Query, Resolver, registerEnumType } from 'type-graphql';
import { Ctx, merchantCaller, type Context } from '../../graphql/context.js';
import { DEVICE_COOKIES } from '../../http/cookies.js';
import { OperatorRole } from '../../graphql/roles.js';
import { AdminAuth, sessionCookie } from './auth.resolver.js';
import type { OperatorCaller } from './caller.js';
import { Operator } from './operator.entity.js';
import { AccountApp } from './passwords.js';
import { authPolicy } from './policy.js';

registerEnumType(AccountApp, { name: 'AccountApp', description: 'Which app an account signs in to: ADMIN (operators) or PORTAL (affiliates).' });

/** An owner's own operator caller: team actions are refused to keys by the policy. */
function owner(ctx: Context): OperatorCaller {
  const caller = merchantCaller(ctx);
  if (caller.kind !== 'operator') throw new Error('team action reached without an operator caller');
  return caller;
}

@Resolver()
export class PasswordsResolver {
  @Mutation(() => Boolean, {
    description: 'Mails a password-reset link when the address has an account of that app. Always true: it never tells whether it has.',
  })
  requestPasswordReset(@Arg('email') email: string, @Arg('app', () => AccountApp) app: AccountApp, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.passwords.requestReset(ctx.fork(), { email, app, ip: ctx.ip }, ctx.now());
  }

  @Mutation(() => Boolean, { description: "Sets a new password from a reset link's token: single use, an hour long; ends every session of the account." })
  async resetPassword(@Arg('token') token: string, @Arg('password') password: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.passwords.reset(ctx.fork(), { token, password, ip: ctx.ip }, ctx.now());
    return true;
  }

  @Authorized(authPolicy.ownAccount)
  @Mutation(() => Boolean, { description: "The signed-in operator's or affiliate's new password; ends the account's other sessions, keeps this one." })
  changePassword(@Arg('current') current: string, @Arg('password') password: string, @Ctx() ctx: Context): Promise<boolean> {
    const caller = ctx.caller;
    if (caller.kind !== 'operator' && caller.kind !== 'affiliate') throw new Error('changePassword reached without a signed-in caller');
    const device = ctx.cookies.get(DEVICE_COOKIES[caller.kind]);
    return ctx.services.passwords.change(ctx.em, caller, { current, password, ip: ctx.ip, device }, ctx.now());
  }
}

@Resolver(() => Operator)
export class TeamResolver {
  @Authorized(authPolicy.team)
  @Query(() => [Operator], { description: "The merchant's operators, pending invitations included (`pending`), oldest first." })
  operators(@Ctx() ctx: Context): Promise<Operator[]> {
    return ctx.services.team.list(ctx.em);
  }

  @Authorized(authPolicy.team)
  @Mutation(() => Operator, { description: 'Invites an operator by email with a role; the link works once, for seven days.' })
  inviteOperator(@Arg('email') email: string, @Arg('role', () => OperatorRole) role: OperatorRole, @Ctx() ctx: Context): Promise<Operator> {
    return ctx.services.team.invite(ctx.em, owner(ctx), { email, role }, ctx.now());
  }

  @Authorized(authPolicy.team)
  @Mutation(() => Operator, { description: 'Mails a pending invitation again with a new link (seven days from now); the old link stops working.' })
  resendInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Operator> {
    return ctx.services.team.resend(ctx.em, owner(ctx), id, ctx.now());
  }

  @Authorized(authPolicy.team)
  @Mutation(() => Boolean, { description: 'Withdraws a pending invitation.' })
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.team.revoke(ctx.em, id);
  }

  @Mutation(() => AdminAuth, { description: 'The invited person chooses a name and password and is signed in.' })
  async acceptInvitation(@Arg('token') token: string, @Arg('name') name: string, @Arg('password') password: string, @Ctx() ctx: Context): Promise<AdminAuth> {
    const accepted = await ctx.services.team.accept(ctx.fork(), { token, name, password, ip: ctx.ip }, ctx.now());
    sessionCookie(ctx, 'operator', accepted.token);
    const user = await ctx.enter(accepted.caller).loaders.byId(Operator).load(accepted.caller.operatorId);
    return { token: accepted.token, user: user! };
  }

  @Authorized(authPolicy.team)
  @Mutation(() => Operator, { description: "Changes an operator's role; the last owner keeps OWNER." })
  setOperatorRole(@Arg('id', () => ID) id: string, @Arg('role', () => OperatorRole) role: OperatorRole, @Ctx() ctx: Context): Promise<Operator> {
    return ctx.services.team.setRole(ctx.em, owner(ctx), id, role);
  }

  @Authorized(authPolicy.team)
  @Mutation(() => Boolean, { description: 'Removes an operator (never the last owner); their sessions end.' })
  removeOperator(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.team.remove(ctx.em, owner(ctx), id);
  }
}
