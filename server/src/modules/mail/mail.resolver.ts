import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, ID, Info, Query, Resolver } from 'type-graphql';
import { PageArgs, connectionType, pageOf } from '../../graphql/connection.js';
import { Ctx, type Context } from '../../graphql/context.js';
import { MailMessage } from './mail-message.entity.js';
import { mailPolicy } from './policy.js';

export const MailMessageConnection = connectionType('MailMessage', MailMessage);

@Resolver(() => MailMessage)
export class MailResolver {
  @Authorized(mailPolicy.outbox)
  @Query(() => MailMessageConnection, { description: 'Every email sent, queued or (without SMTP_URL) kept here, newest first.' })
  async outbox(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return MailMessageConnection.from(await ctx.services.mail.outbox(ctx.em, pageOf(page, info)));
  }

  @Authorized(mailPolicy.outbox)
  @Query(() => MailMessage, { description: 'One message of the outbox.' })
  mailMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.mail.message(ctx.em, id);
  }
}
