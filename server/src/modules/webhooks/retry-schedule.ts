/**
 * When a delivery that has now failed `attempts` times is tried again, or null when the schedule
 * is spent and the delivery is FAILED (an operator may still redeliver it).
 */
export function nextAttemptAt(scheduleMs: readonly number[], attempts: number, now: Date): Date | null {
  const wait = scheduleMs[attempts - 1];
  return wait === undefined ? null : new Date(now.getTime() + wait);
}
