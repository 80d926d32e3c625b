import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The next free Stripe call slot for payout transfers, one row for the whole deployment: every
 * runner in every process takes its slots here (StripePacer). Platform-wide, so not tenant-scoped.
 */
@Entity()
@Check({ name: 'payout_pace_one_row', expression: '"id" = 1' })
export class PayoutPace {
  @PrimaryKey({ type: 'smallint', default: 1, autoincrement: false })
  id: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: `'-infinity'` })
  nextAt!: Date;
}
