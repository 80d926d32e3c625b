/**
 * Outgoing mail: the front door. Other modules call `MailService.enqueue(em, message, now)` in
 * the transaction of the change that causes a message; a new message is one entry in
 * `templates.ts` and one such call.
 */
import { MailMessage, MailRecipient } from './mail-message.entity.js';
import { MailResolver } from './mail.resolver.js';

export { MailMessage, MailRecipient, MailStatus } from './mail-message.entity.js';
export { MailService, type MailInput } from './mail.service.js';
export { unsubscribeRoutes } from './unsubscribe.route.js';
export { formatMoney, templates, type TemplateName } from './templates.js';

/** Entities: db/orm.ts registers every module's list. */
export const mailEntities = [MailMessage, MailRecipient];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const mailResolvers = [MailResolver] as const;
