import { Arg, Authorized, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { notFound } from '../../errors.js';
import { Ctx, affiliateCaller, merchantCaller, type Context } from '../../graphql/context.js';
import { DEVICE_COOKIES, SESSION_COOKIES, serializeCookie } from '../../http/cookies.js';
import { Affiliate, Me } from '../affiliates/index.js';
import { ApiKeyScope } from '../../graphql/roles.js';
import { ApiKey } from './api-key.entity.js';
import { DEVICE_COOKIE_MAX_AGE_SECONDS } from './device-cookies.js';
import { authPolicy } from './policy.js';
import { Merchant } from './merchant.entity.js';
import { Operator } from './operator.entity.js';

@ObjectType()
export class AdminAuth {
  @Field({ description: 'A session token for `Authorization: Bearer`; also set as an httpOnly cookie.' })
  token!: string;

  @Field(() => Operator)
  user!: Operator;
}

@ObjectType()
export class AffiliateAuth {
  @Field()
  token!: string;

  @Field(() => Affiliate)
  affiliate!: Affiliate;
}

@ObjectType()
class CreatedApiKey {
  @Field({ description: 'The key itself: shown this once, stored only as a hash.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

export function sessionCookie(ctx: Context, kind: keyof typeof SESSION_COOKIES, token: string | null): void {
  ctx.setCookie(
    serializeCookie(SESSION_COOKIES[kind], token ?? '', {
      maxAgeSeconds: token ? Math.floor(ctx.config.sessionTtlMs / 1000) : 0,
      secure: ctx.config.cookieSecure,
    }),
  );
}

/**
 * The known-device cookie a sign-in sets: sent back only with sign-ins (Path=/graphql, where they
 * post; SameSite=Strict, as the apps post from the same origin), for DEVICE_COOKIE_MAX_AGE_SECONDS.
 */
function deviceCookie(ctx: Context, kind: keyof typeof DEVICE_COOKIES, value: string): void {
  ctx.setCookie(
    serializeCookie(DEVICE_COOKIES[kind], value, {
      maxAgeSeconds: DEVICE_COOKIE_MAX_AGE_SECONDS,
      secure: ctx.config.cookieSecure,
      path: '/graphql',
      sameSite: 'Strict',
    }),
  );
}

@Resolver(() => Operator)
export class AuthResolver {
  @Mutation(() => AdminAuth, { description: 'Operator sign-in.' })
  async signIn(@Arg('email') email: string, @Arg('password') password: string, @Ctx() ctx: Context): Promise<AdminAuth> {
    const known = ctx.cookies.get(DEVICE_COOKIES.operator);
    const { token, caller, device } = await ctx.services.auth.signIn(ctx.fork(), { email, password, ip: ctx.ip, device: known }, ctx.now());
    sessionCookie(ctx, 'operator', token);
    deviceCookie(ctx, 'operator', device);
    // The selection on `user` reads as the operator who just signed in; the request stays the caller's.
    const user = await ctx.enter(caller).loaders.byId(Operator).load(caller.operatorId);
    return { token, user: user! };
  }

  @Mutation(() => AffiliateAuth, { description: 'Affiliate (portal) sign-in.' })
  async affiliateSignIn(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Arg('merchantId', () => ID, { nullable: true }) merchantId: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<AffiliateAuth> {
    const known = ctx.cookies.get(DEVICE_COOKIES.affiliate);
    const { token, caller, device } = await ctx.services.auth.affiliateSignIn(
      ctx.fork(),
      { email, password, ip: ctx.ip, merchantId, device: known },
      ctx.now(),
    );
    sessionCookie(ctx, 'affiliate', token);
    deviceCookie(ctx, 'affiliate', device);
    const affiliate = await ctx.enter(caller).loaders.byId(Affiliate).load(caller.affiliateId);
    return { token, affiliate: affiliate! };
  }

  @Mutation(() => Boolean, { description: 'Ends the current session (operator or affiliate).' })
  signOut(@Ctx() ctx: Context): Promise<boolean> {
    return this.endSessions(ctx, ctx.services.auth.signOut(ctx.em, ctx.caller));
  }

  @Mutation(() => Boolean, { description: "Ends every session of the signed-in operator's or affiliate's account, on every device, this one included." })
  signOutEverywhere(@Ctx() ctx: Context): Promise<boolean> {
    return this.endSessions(ctx, ctx.services.auth.signOutEverywhere(ctx.em, ctx.caller));
  }

  /** Clears this browser's session cookie once the sessions are ended. */
  private async endSessions(ctx: Context, ended: Promise<boolean>): Promise<boolean> {
    const done = await ended;
    const kind = ctx.caller.kind;
    if (kind === 'operator' || kind === 'affiliate') sessionCookie(ctx, kind, null);
    return done;
  }

  @Authorized(authPolicy.whoAmI)
  @Query(() => Operator, { nullable: true, description: 'The signed-in operator (null for API keys).' })
  async currentUser(@Ctx() ctx: Context): Promise<Operator | null> {
    const caller = merchantCaller(ctx);
    return caller.kind === 'operator' ? ctx.loaders.byId(Operator).load(caller.operatorId) : null;
  }

  @Authorized(authPolicy.manageAccess)
  @Mutation(() => CreatedApiKey, {
    description: 'An API key for an integration, shown once. Scopes default to ORDERS and READ; PAYOUTS moves money, so ask for it only where needed.',
  })
  createApiKey(
    @Arg('name') name: string,
    @Arg('scopes', () => [ApiKeyScope], { nullable: true, description: 'What the key may do; default [ORDERS, READ].' }) scopes: ApiKeyScope[] | undefined,
    @Arg('expiresAt', () => Date, { nullable: true, description: 'Refused from then on, like a revoked key.' }) expiresAt: Date | undefined,
    @Ctx() ctx: Context,
  ): Promise<CreatedApiKey> {
    return ctx.services.auth.createApiKey(ctx.em, merchantCaller(ctx), { name, scopes, expiresAt }, ctx.now());
  }

  @Authorized(authPolicy.manageAccess)
  @Mutation(() => ApiKey)
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return ctx.services.auth.revokeApiKey(ctx.em, id, ctx.now());
  }

  @Authorized(authPolicy.manageAccess)
  @Query(() => [ApiKey])
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.services.auth.listApiKeys(ctx.em);
  }

  @FieldResolver(() => Merchant)
  async merchant(@Root() operator: Operator, @Ctx() ctx: Context): Promise<Merchant> {
    const merchant = await ctx.loaders.byId(Merchant).load(operator.merchant.id);
    if (!merchant) throw notFound('Merchant');
    return merchant;
  }
}

@Resolver(() => Me)
export class MeResolver {
  @Authorized(authPolicy.portal)
  @Query(() => Me, { description: 'The signed-in affiliate and everything the portal shows them.' })
  async me(@Ctx() ctx: Context): Promise<Me> {
    const affiliate = await ctx.loaders.byId(Affiliate).load(affiliateCaller(ctx).affiliateId);
    if (!affiliate) throw notFound('Affiliate');
    return { affiliate };
  }
}
