import { conflict } from '../../errors.js';
import type { Exec } from '../../db/sql-runner.js';
import type { EventRef } from './order-input.js';

/**
 * The answer an event id already delivered got; CONFLICT when it came with another body (events
 * stored before their hashes were kept match any body).
 */
export async function storedResponse<T>(exec: Exec, merchantId: string, event: EventRef): Promise<T> {
  const [row] = await exec<{ response: T; body_hash: string | null }>(`select response, body_hash from webhook_event where merchant_id = ? and event_id = ?`, [
    merchantId,
    event.id,
  ]);
  if (!row) throw conflict('This event is being processed; retry later');
  if (row.body_hash !== null && row.body_hash !== event.hash) {
    throw conflict(`Event ${event.id} was already delivered with a different body; a new event needs a new id`, {
      id: 'was already used by an event with another body',
    });
  }
  return row.response;
}
