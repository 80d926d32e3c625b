import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, connectionType, pageOf } from '../../graphql/connection.js';
import { Ctx, merchantCaller, type Context } from '../../graphql/context.js';
import { Merchant } from '../auth/index.js';
import { Campaign } from './campaign.entity.js';
import { CampaignInput, CampaignUpdateInput, CommissionRule, PublicCampaign } from './campaign.types.js';
import { commissionRule } from './campaigns.service.js';
import { campaignsPolicy } from './policy.js';

export const CampaignConnection = connectionType('Campaign', Campaign);

@Resolver(() => Campaign)
export class CampaignsResolver {
  @Authorized(campaignsPolicy.manage)
  @Mutation(() => Campaign)
  createCampaign(@Arg('input', () => CampaignInput) input: CampaignInput, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.create(ctx.em, merchantCaller(ctx).merchantId, input);
  }

  @Authorized(campaignsPolicy.manage)
  @Mutation(() => Campaign)
  updateCampaign(@Arg('id', () => ID) id: string, @Arg('input', () => CampaignUpdateInput) input: CampaignUpdateInput, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.update(ctx.em, id, input);
  }

  @Authorized(campaignsPolicy.read)
  @Query(() => CampaignConnection)
  async campaigns(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return CampaignConnection.from(await ctx.services.campaigns.list(ctx.em, pageOf(page, info)));
  }

  @Authorized(campaignsPolicy.read)
  @Query(() => Campaign, { nullable: true })
  campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Campaign | null> {
    return ctx.loaders.byId(Campaign).load(id);
  }

  @Query(() => PublicCampaign, {
    nullable: true,
    description: "A campaign's public page (the program, its terms and the application form), readable without signing in.",
  })
  async publicCampaign(@Arg('slug') slug: string, @Ctx() ctx: Context): Promise<PublicCampaign | null> {
    // Another merchant's campaign: read on a unit of work of its own, never into the caller's.
    return ctx.services.campaigns.publicPage(ctx.fork(), slug);
  }

  @Authorized(campaignsPolicy.terms)
  @FieldResolver(() => CommissionRule)
  commission(@Root() c: Campaign): CommissionRule {
    return commissionRule(c);
  }

  @Authorized(campaignsPolicy.terms)
  @FieldResolver(() => String, { description: 'The public application page in the portal.' })
  applicationUrl(@Root() c: Campaign, @Ctx() ctx: Context): string {
    return ctx.services.campaigns.applicationUrl(c);
  }

  @Authorized(campaignsPolicy.terms)
  @FieldResolver(() => Merchant)
  async merchant(@Root() c: Campaign, @Ctx() ctx: Context): Promise<Merchant> {
    return (await ctx.loaders.byId(Merchant).load(c.merchant.id))!;
  }
}
