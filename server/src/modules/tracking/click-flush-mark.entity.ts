import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One server process's click watermark (see ClickWatermarks): every click it served before
 * ticket `through` was issued (`click_flush_ticket`, a sequence of the migration) is stored.
 * `seenAt` is the database's time of its last refresh; a process gone quiet is ignored. About
 * processes, not merchants, so not tenant-scoped.
 */
@Entity()
export class ClickFlushMark {
  @PrimaryKey({ type: 'uuid' })
  processId!: string;

  @Property({ type: 'bigint' })
  through!: string;

  @Property({ type: 'timestamptz' })
  seenAt!: Date;
}
