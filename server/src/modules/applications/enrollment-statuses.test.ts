import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { program, type Program, readOverTouched } from '../../test/orders-fixtures.js';
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

  const statuses = (refs: TenantRef[]) => readOverTouched(app, refs, 'enrollment_id', (touched) => app.services.applications.enrollmentStatuses(touched));

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
