import { Entity, Enum, Index, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

export enum MailStatus {
  /** Waiting for the SMTP server (first try or a retry after `nextAttemptAt`). */
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  /** The SMTP server refused it for good (a 5xx answer): it is not tried again. */
  FAILED = 'FAILED',
  /** No SMTP_URL: kept in the built-in outbox only. */
  OUTBOX = 'OUTBOX',
}
registerEnumType(MailStatus, { name: 'MailStatus' });

/**
 * One email, rendered when it was queued (in the transaction of the change that caused it) and
 * kept after it is sent: the owner's outbox lists them. Written in sets by `MailService.enqueue`,
 * sent by `MailSender`.
 */
@Entity({ tableName: 'mail_message' })
@tenantScoped
@ObjectType({ description: 'An email the merchant sent (or, without SMTP_URL, kept in the outbox).' })
@Index({ name: 'mail_message_due', expression: `create index "mail_message_due" on "mail_message" ("next_attempt_at") where "status" = 'QUEUED'` })
@Index({ properties: ['merchant', 'id'] })
export class MailMessage extends TenantEntity {
  [OptionalProps]?: 'id' | 'status' | 'attempts' | 'createdAt';

  @Field({ description: 'Which message: applicationReceived, applicationApproved, payoutPosted, …' })
  @Property({ length: 64 })
  kind!: string;

  @Field()
  @Property({ length: 320, fieldName: 'to_address' })
  to!: string;

  /** The display name of the From address: the merchant's name. */
  @Property({ length: 200 })
  fromName!: string;

  @Field()
  @Property({ type: 'text' })
  subject!: string;

  @Field({ description: 'The HTML part: show it only in a sandboxed frame.' })
  @Property({ type: 'text' })
  html!: string;

  @Field({ description: 'The plain-text part.' })
  @Property({ type: 'text' })
  text!: string;

  /** Non-transactional messages: the one-click unsubscribe link (List-Unsubscribe). */
  @Property({ type: 'text', nullable: true })
  unsubscribeUrl?: string;

  @Field(() => MailStatus)
  @Enum({ items: () => MailStatus, nativeEnumName: 'mail_status' })
  status: MailStatus = MailStatus.QUEUED;

  @Field(() => Int)
  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Field(() => String, { nullable: true, description: "The SMTP server's last refusal or the connection error." })
  @Property({ type: 'text', nullable: true })
  lastError?: string;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  sentAt?: Date;
}

/**
 * Recipients who unsubscribed from the merchant's notifications (messages that are not
 * transactional); the token is their unsubscribe link.
 */
@Entity({ tableName: 'mail_recipient' })
@tenantScoped
@Unique({ properties: ['merchant', 'email'] })
export class MailRecipient extends TenantEntity {
  [OptionalProps]?: 'id';

  @Property({ length: 320 })
  email!: string;

  @Property({ length: 64, unique: true })
  unsubscribeToken!: string;

  @Property({ type: 'timestamptz', nullable: true })
  unsubscribedAt?: Date;
}
