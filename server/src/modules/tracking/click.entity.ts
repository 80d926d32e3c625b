import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';

export enum Channel {
  AFFILIATE = 'AFFILIATE',
  REFERRAL = 'REFERRAL',
  NONE = 'NONE',
}
registerEnumType(Channel, { name: 'Channel', description: 'AFFILIATE: share links. REFERRAL: customer codes. NONE: unattributed.' });

/**
 * One followed share link. Append-only and written in batches by the click log, so it keeps
 * plain id columns without foreign keys: the redirect's hot path never waits on them.
 */
@Entity()
@tenantScoped
@ObjectType()
// Every index costs each click its insert: attribution's lookup by visitor (which also tells
// analytics whether a visitor was seen in an hour), an affiliate's clicks newest first (keyset
// over the id), and the storing transaction (analytics reads each stored click once), nothing else.
@Index({ properties: ['merchantId', 'visitorId', 'occurredAt'] })
@Index({ properties: ['affiliateId', 'id'] })
@Index({ properties: ['storedTx'] })
export class Click {
  /** UUIDv7, handed to the shopper as `sorae_click`: time-sortable. */
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid', fieldName: 'merchant_id' })
  merchantId!: string;

  @Property({ type: 'uuid' })
  enrollmentId!: string;

  @Field(() => ID)
  @Property({ type: 'uuid' })
  affiliateId!: string;

  @Field(() => ID)
  @Property({ type: 'uuid' })
  campaignId!: string;

  @Field(() => Channel)
  @Enum({ items: () => Channel, nativeEnumName: 'channel' })
  channel!: Channel;

  @Field()
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  referer?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  utmSource?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  utmMedium?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  utmCampaign?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  utmTerm?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  utmContent?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  /** HMAC-SHA256 of the IP with a server secret: raw addresses are never stored. */
  @Property({ length: 64 })
  ipHash!: string;

  /** Collated "C" (byte order) by a migration: an opaque token, never sorted for people. */
  @Field({
    description:
      "The shopper's visitor id (sorae_vid). An affiliate sees a stable pseudonym instead: repeat visitors still show as one, but the id cannot be replayed.",
  })
  @Property({ length: 64 })
  visitorId!: string;

  /** Known crawlers: logged for reporting, never win attribution. */
  @Field()
  @Property()
  isBot!: boolean;

  /**
   * The redirect issued the visitor id with this click (it came without a `sorae_vid` cookie):
   * the visitor's first click, so analytics counts its (link, visitor, hour) key without looking
   * for earlier ones. Never loaded.
   */
  @Property({ default: false, lazy: true })
  newVisitor!: boolean;

  /**
   * The id of the transaction that stored the click (PostgreSQL's, set by the column's default),
   * so analytics can count the clicks stored since its mark exactly once; null for clicks stored
   * before analytics read them this way. Never loaded.
   */
  @Property({ type: 'bigint', nullable: true, lazy: true, defaultRaw: 'pg_current_xact_id()::text::bigint' })
  storedTx?: string | null;
}
