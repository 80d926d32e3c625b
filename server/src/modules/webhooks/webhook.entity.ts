import { Entity, Enum, Index, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

export enum WebhookDeliveryStatus {
  /** Waiting for its first attempt or a retry (`nextAttemptAt`). */
  PENDING = 'PENDING',
  /** The endpoint answered 2xx. */
  SUCCEEDED = 'SUCCEEDED',
  /** The retry schedule is spent, or the endpoint was disabled: no more attempts unless redelivered. */
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });

/** A URL of the merchant's that receives the events it subscribes to, signed with its own secret. */
@Entity({ tableName: 'webhook_endpoint' })
@tenantScoped
@ObjectType({ description: 'Where events are POSTed in the Standard Webhooks format.' })
export class WebhookEndpoint extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field()
  @Property({ length: 2048 })
  url!: string;

  @Field(() => [String])
  @Property({ type: 'text[]' })
  events!: string[];

  /** The whsec_ secret, sealed with SECRETS_KEY (the sender needs it back to sign); shown once. */
  @Property({ type: 'text', hidden: true })
  secret!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'Every attempt since then failed (null once one succeeds).' })
  @Property({ type: 'timestamptz', nullable: true })
  failingSince?: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Set when the endpoint failed for WEBHOOK_DISABLE_AFTER_HOURS: nothing is sent to it until a delivery is redelivered.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  disabledAt?: Date | null;
}

/** One event for one endpoint: the outbox row the sender claims, and its outcome so far. */
@Entity({ tableName: 'webhook_delivery' })
@tenantScoped
@ObjectType({ description: 'One event sent (or to be sent) to one endpoint.' })
@Index({ properties: ['endpoint', 'id'] })
export class WebhookDelivery extends TenantEntity {
  [OptionalProps]?: 'id' | 'status' | 'attempts' | 'createdAt';

  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade' })
  endpoint!: Ref<WebhookEndpoint>;

  /** The webhook-id header is `msg_<messageId>`: the same on every attempt and for every endpoint of the event. */
  @Property({ type: 'uuid' })
  messageId!: string;

  @Field()
  @Property({ length: 64 })
  eventType!: string;

  /** The exact JSON POSTed (`{type, timestamp, data}`), the same bytes on every attempt. */
  @Property({ type: 'text', lazy: true })
  body!: string;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int)
  @Property({ type: 'integer' })
  attempts: number = 0;

  @Field(() => Date, { nullable: true, description: 'When it is tried next (PENDING only).' })
  @Property({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** The sender that claimed it and until when (`nextAttemptAt` is moved past its timeout meanwhile). */
  @Property({ type: 'uuid', nullable: true, hidden: true })
  claim?: string | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  lastResponseStatus?: number | null;

  @Field(() => String, { nullable: true, description: 'No answer: the timeout or connection error.' })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;
}

/** Each attempt of a delivery: the admin's delivery log shows them. */
@Entity({ tableName: 'webhook_attempt' })
@tenantScoped
@ObjectType({ description: 'One POST of a delivery and what came back.' })
@Index({ properties: ['delivery', 'id'] })
export class WebhookAttempt extends TenantEntity {
  @ManyToOne(() => WebhookDelivery, { ref: true, deleteRule: 'cascade' })
  delivery!: Ref<WebhookDelivery>;

  @Field()
  @Property({ type: 'timestamptz' })
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: "The endpoint's HTTP status; null when it did not answer." })
  @Property({ type: 'integer', nullable: true })
  responseStatus?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  durationMs!: number;
}
