import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Field, FieldResolver, ID, Info, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, connectionType, pageOf } from '../../graphql/connection.js';
import { Ctx, merchantCaller, type Context } from '../../graphql/context.js';
import { WEBHOOK_EVENTS } from './events.js';
import { webhooksPolicy } from './policy.js';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity.js';

export const WebhookDeliveryConnection = connectionType('WebhookDelivery', WebhookDelivery);

@InputType()
class CreateWebhookEndpointInput {
  @Field({ description: 'Where events are POSTed (http or https).' })
  url!: string;

  @Field(() => [String], { description: `Any of: ${WEBHOOK_EVENTS.join(', ')}.` })
  events!: string[];
}

@ObjectType()
class CreatedWebhookEndpoint {
  @Field({ description: 'The whsec_ signing secret: shown only now.' })
  secret!: string;

  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;
}

@Resolver(() => WebhookEndpoint)
export class WebhooksResolver {
  @Authorized(webhooksPolicy.manage)
  @Query(() => [String], { description: 'The events an endpoint may subscribe to.' })
  webhookEventTypes(): readonly string[] {
    return WEBHOOK_EVENTS;
  }

  @Authorized(webhooksPolicy.manage)
  @Query(() => [WebhookEndpoint])
  webhookEndpoints(@Ctx() ctx: Context) {
    return ctx.services.webhooks.list(ctx.em);
  }

  @Authorized(webhooksPolicy.manage)
  @Mutation(() => CreatedWebhookEndpoint, { description: 'A new endpoint; its signing secret is shown only in this answer.' })
  createWebhookEndpoint(@Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput, @Ctx() ctx: Context) {
    return ctx.services.webhooks.create(ctx.em, merchantCaller(ctx).merchantId, input, ctx.now());
  }

  @Authorized(webhooksPolicy.manage)
  @Mutation(() => Boolean)
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.webhooks.delete(ctx.em, id);
  }

  @Authorized(webhooksPolicy.manage)
  @Query(() => WebhookDeliveryConnection, { description: "An endpoint's deliveries, newest first." })
  async webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return WebhookDeliveryConnection.from(await ctx.services.webhooks.deliveries(ctx.em, endpointId, pageOf(page, info)));
  }

  @Authorized(webhooksPolicy.manage)
  @Mutation(() => WebhookDelivery, { description: 'Sends a delivery again now under the same webhook-id (and turns a disabled endpoint back on).' })
  redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: Context) {
    return ctx.services.webhooks.redeliver(ctx.em, deliveryId, ctx.now());
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => [WebhookAttempt], { description: 'Every attempt, oldest first.' })
  attemptLog(@Root() delivery: WebhookDelivery, @Ctx() ctx: Context) {
    return ctx.loaders.keyed('webhookAttempts', (ids: readonly string[]) => ctx.services.webhooks.attemptsOf(ctx.em, ids)).load(delivery.id);
  }
}
