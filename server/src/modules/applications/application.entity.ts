import { Entity, Enum, Index, ManyToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { IntakeField } from '@sorae/intake';
import { Affiliate } from '../affiliates/index.js';
import { Operator } from '../auth/index.js';
import { Campaign } from '../campaigns/index.js';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

export enum ApplicationStatus {
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(ApplicationStatus, { name: 'ApplicationStatus' });

@ObjectType({ description: 'One answer, with the question as it was worded when the applicant answered.' })
export class Answer {
  @Field()
  key!: string;

  @Field()
  label!: string;

  @Field(() => String, { nullable: true, description: 'As submitted; MULTISELECT answers are JSON arrays; null when left blank.' })
  value!: string | null;
}

@Entity()
@tenantScoped
@ObjectType()
@Unique({ properties: ['campaign', 'email'] })
@Index({ properties: ['merchant', 'status'] })
@Index({ properties: ['campaign', 'status'] })
@Index({ properties: ['merchant', 'id'] })
@Index({
  name: 'application_search_text_trgm',
  expression: 'create index "application_search_text_trgm" on "application" using gin ("search_text" gin_trgm_ops)',
})
export class Application extends TenantEntity {
  [OptionalProps]?: 'id' | 'status' | 'submittedAt';

  /** UUIDv7: also the submission order the queue pages by. */

  @ManyToOne(() => Campaign, { ref: true })
  campaign!: Ref<Campaign>;

  @ManyToOne(() => Affiliate, { ref: true })
  affiliate!: Ref<Affiliate>;

  @Field(() => ApplicationStatus)
  @Enum({ items: () => ApplicationStatus, nativeEnumName: 'application_status' })
  status: ApplicationStatus = ApplicationStatus.SUBMITTED;

  @Field()
  @Property({ length: 320 })
  email!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => [Answer])
  @Property({ type: 'jsonb' })
  answers!: Answer[];

  /** The form as it was when submitted, so later edits of the campaign never change this record. */
  @Property({ type: 'jsonb' })
  fieldsSnapshot!: IntakeField[];

  /** Lower-cased name, email and answers, trigram-indexed for the queue's search box. */
  @Property({ type: 'text', lazy: true })
  searchText!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  submittedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  reviewedAt?: Date;

  @ManyToOne(() => Operator, { ref: true, nullable: true, deleteRule: 'set null' })
  reviewedBy?: Ref<Operator>;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  rejectionReason?: string;
}
