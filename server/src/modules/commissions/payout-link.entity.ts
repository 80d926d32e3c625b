import { Entity, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Merchant } from '../auth/index.js';
import { tenantScoped } from '../tenancy.js';
import { Commission } from './commission.entity.js';

/**
 * Which commissions a payout item pays: a commission belongs to at most one item, ever (primary
 * key). The commission side of a payout, as a clawback's `payoutItemId` is: the commissions
 * module writes it (CommissionsService.attachPayable) when payouts builds a batch. Written once
 * per batch by one set-based INSERT … SELECT, so it carries no foreign keys: per-row foreign-key
 * checks (each a locking lookup) made building a batch over 1M commissions several times slower.
 */
@Entity({ tableName: 'payout_item_commission' })
@tenantScoped
@Index({ properties: ['payoutItemId'] })
export class PayoutItemCommission {
  @ManyToOne(() => Commission, { ref: true, primary: true, createForeignKeyConstraint: false })
  commission!: Ref<Commission>;

  @Property({ type: 'uuid' })
  payoutItemId!: string;

  @ManyToOne(() => Merchant, { ref: true, createForeignKeyConstraint: false })
  merchant!: Ref<Merchant>;
}
