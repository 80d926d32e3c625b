import type { Exec } from '../../db/sql-runner.js';
import type { ClickRecord } from './click-log.js';

/**
 * What the click log asks of whoever keeps figures over clicks (the analytics module implements
 * it; services.ts wires it): called with each batch's newly stored clicks, inside the
 * transaction that stores them, so the figures hold exactly the clicks that are stored.
 */
export interface ClickRollup {
  clicksStored(exec: Exec, clicks: readonly ClickRecord[]): Promise<void>;
}
