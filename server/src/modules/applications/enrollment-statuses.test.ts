import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTogether, withConnection } from '../../db/sql-runner.js';
import { uuidv7 } from '../../ids.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { program, type Program } from '../../test/orders-fixtures.js';
import type { TenantRef } from '../tenancy.js';
import { EnrollmentStatus } from './enrollment.entity.js';

describe('ApplicationsService.enrollmentStatuses (the port attribution reads enrollments through)', () => {
  let app: TestApp;
  let p: Program;
  let rival: Program;

  beforeAll(async () => {
    app = await startTestApp();
    [p, rival] = [await program(app, { affiliates: 2 }), await program(app, { affiliates: 1 })];
  });
  afterAll(() => app?.close());

  /** The port's CTE over a relation of the named enrollments, read as order ingestion reads it. */
  const statuses = (refs: TenantRef[]) =>
    withConnection(app.orm.em.fork(), async (exec) => {
      const touched = {
        sql: 'touched as (select * from unnest(?::uuid[], ?::uuid[]) as t(merchant_id, enrollment_id))',
        params: [`{${refs.map((r) => r.merchantId).join(',')}}`, `{${refs.map((r) => r.id).join(',')}}`],
      };
      const [, found] = await readTogether(exec, [touched, app.services.applications.enrollmentStatuses('touched')] as const);
      return found;
    });

  it("answers each named enrollment's status; one that is gone, or under another merchant, is missing", async () => {
    const [active, suspended] = p.affiliates;
    await app.services.applications.setEnrollmentStatus(app.emFor(p.merchantId), suspended!.enrollmentId, EnrollmentStatus.SUSPENDED);
    const found = await statuses([
      { merchantId: p.merchantId, id: active!.enrollmentId },
      { merchantId: p.merchantId, id: suspended!.enrollmentId },
      { merchantId: p.merchantId, id: rival.affiliates[0]!.enrollmentId },
      { merchantId: p.merchantId, id: uuidv7() },
    ]);
    expect(Object.fromEntries(found)).toEqual({ [active!.enrollmentId]: 'ACTIVE', [suspended!.enrollmentId]: 'SUSPENDED' });
    expect((await statuses([])).size).toBe(0);
  });
});
