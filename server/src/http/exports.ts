import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import { demand, type Access } from '../graphql/access.js';
import { DomainError, badInput } from '../errors.js';
import type { Caller, MerchantCaller } from '../modules/auth/index.js';
import { csvChunks } from './csv.js';
import { HttpError, type Router } from './router.js';

/** One list a module offers as a CSV download at `GET /exports/<name>.csv?<the list's filters>`. */
export interface CsvExport<F> {
  name: string;
  /** Who may download it: the list's own policy entry (a REVIEWER never reaches money). */
  access: Access;
  /** The query parameters the list's filter takes (any other is refused). */
  params: readonly string[];
  /** Checks the filter (throws BAD_USER_INPUT), before anything is sent. */
  filter(values: Record<string, string>): F;
  header: readonly string[];
  /** The filtered rows, newest first, a batch at a time (never the whole set at once). */
  rows(em: EntityManager, merchantId: string, filter: F): AsyncIterable<readonly (readonly unknown[])[]>;
}

export interface ExportDeps {
  /** The caller of a request: a session cookie or a bearer token (an API key). */
  callerOf(req: IncomingMessage): Promise<Caller>;
  /** An EntityManager locked to the merchant's tenant. */
  emFor(merchantId: string): EntityManager;
  clock(): Date;
}

// A DomainError (unauthenticated, forbidden, a bad filter) becomes its HTTP status, before any byte is sent.
const refusal = (e: unknown) =>
  e instanceof DomainError ? new HttpError(e.httpStatus, e.message, e.fieldErrors ? { fieldErrors: e.fieldErrors } : undefined) : e;

/**
 * The exports' routes. Each streams from PostgreSQL as the client reads: a batch is read only
 * once the previous one has been taken by the socket (backpressure through `pipeline`), and a
 * client that goes away stops the reading.
 */
export function csvExportRoutes(router: Router, deps: ExportDeps, exports: readonly CsvExport<unknown>[]): void {
  for (const x of exports) {
    router.on('GET', `/exports/${x.name}.csv`, async (req, res, _params, target) => {
      let caller: MerchantCaller;
      let filter: unknown;
      try {
        const who = await deps.callerOf(req);
        demand(x.access, who);
        // Exports are merchants' lists: no policy of theirs lets an affiliate in.
        if (who.kind !== 'operator' && who.kind !== 'apiKey') throw new DomainError('FORBIDDEN', `Not allowed: ${x.access.what}`);
        caller = who;
        const values: Record<string, string> = {};
        for (const [key, value] of target.searchParams) {
          if (!x.params.includes(key))
            throw badInput(`Unknown filter ${key}: this export takes ${x.params.join(', ')}`, { [key]: 'is not a filter of this list' });
          if (value !== '') values[key] = value;
        }
        filter = x.filter(values);
      } catch (e) {
        throw refusal(e);
      }
      const day = deps.clock().toISOString().slice(0, 10);
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${x.name}-${day}.csv"`,
        'cache-control': 'no-store',
      });
      try {
        await pipeline(Readable.from(csvChunks(x.header, x.rows(deps.emFor(caller.merchantId), caller.merchantId, filter))), res);
      } catch (e) {
        // The client went away: the reading stopped with it, and there is nobody to answer.
        if ((e as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
      }
    });
  }
}
