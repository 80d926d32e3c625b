import { Entity, Index, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

/** An order webhook the store sent: accepted, or refused with the reason it was told. */
@Entity({ tableName: 'order_webhook_delivery' })
@tenantScoped
@ObjectType({ description: 'An order webhook received from the store, and how it was answered.' })
@Index({ properties: ['merchant', 'id'] })
export class OrderWebhookDelivery extends TenantEntity {
  @Field()
  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Field(() => String, { nullable: true, description: "The event's id, when the body carried one." })
  @Property({ length: 200, nullable: true })
  eventId?: string | null;

  @Field({ description: 'ACCEPTED or REFUSED.' })
  @Property({ length: 16 })
  status!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  httpStatus!: number;

  @Field(() => String, { nullable: true, description: 'Why it was refused, as the store was told.' })
  @Property({ type: 'text', nullable: true })
  error?: string | null;
}
