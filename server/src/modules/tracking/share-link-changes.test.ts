import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { LISTENER_NAME, PgListener } from '../../db/pg-listener.js';
import { uuidv7 } from '../../ids.js';
import { createLogger } from '../../logger.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { SHARE_LINK_CHANNEL, decodeShareLinkChange, shareLinkHandler, type ShareLinkChange } from './share-link-changes.js';

const log = createLogger('silent');

describe('share-link change notifications', () => {
  it('carry an enrollment or a campaign id', () => {
    const id = uuidv7();
    expect(decodeShareLinkChange(`enrollment:${id}`)).toEqual({ kind: 'enrollment', id });
    expect(decodeShareLinkChange(`campaign:${id}`)).toEqual({ kind: 'campaign', id });
  });

  it('anything else on the channel is ignored', () => {
    const id = uuidv7();
    for (const payload of [undefined, '', 'enrollment', `merchant:${id}`, 'campaign:not-a-uuid', `campaign:${id}:extra`, `${id}`]) {
      expect(decodeShareLinkChange(payload), String(payload)).toBeNull();
    }
  });

  it('a database that accepts the connection and never answers delays neither start-up nor shutdown beyond the timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const listener = new PgListener(`postgres://u:p@127.0.0.1:${port}/db`, {
      channels: { [SHARE_LINK_CHANNEL]() {} },
      onGap() {},
      log,
      timeoutMs: 200,
      retryMs: 50,
    });
    const started = Date.now();
    await listener.start();
    expect(listener.connected).toBe(false);
    await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(1), 2500); // a retry is under way
    await listener.close();
    expect(Date.now() - started).toBeLessThan(3000);
    for (const s of sockets) s.destroy();
    silent.close();
  });
});

// PGlite (the tests' fallback without a PostgreSQL server) delivers no notifications.
describe.skipIf(!inject('templateDatabase'))('the share-link listener on PostgreSQL', () => {
  let app: TestApp;
  const sql = (text: string, params: unknown[] = []) => app.orm.em.getConnection().execute(text, params);
  const until = async (check: () => boolean | Promise<boolean>) => {
    for (const deadline = Date.now() + 3000; !(await check()); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) throw new Error('timed out');
    }
  };

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('hears changes, listens again after losing its connection, and reports the gap once', async () => {
    const heard: ShareLinkChange[] = [];
    let gaps = 0;
    const listener = new PgListener(app.config.databaseUrl!, {
      channels: { [SHARE_LINK_CHANNEL]: shareLinkHandler((c) => heard.push(c), log) },
      onGap: () => gaps++,
      log,
      retryMs: 500,
    });
    await listener.start();
    try {
      const a = uuidv7();
      await sql('select pg_notify(?, ?)', [SHARE_LINK_CHANNEL, `enrollment:${a}`]);
      await until(() => heard.length === 1);
      expect(heard).toEqual([{ kind: 'enrollment', id: a }]);
      expect(gaps).toBe(0);

      await sql(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ? and datname = current_database()`, [LISTENER_NAME]);
      await until(() => !listener.connected);
      // Sent while nobody listens (the retry waits 500 ms): lost, hence the gap.
      await sql('select pg_notify(?, ?)', [SHARE_LINK_CHANNEL, `campaign:${uuidv7()}`]);
      await until(() => listener.connected);
      expect(gaps).toBe(1);
      expect(heard).toHaveLength(1);

      const b = uuidv7();
      await sql('select pg_notify(?, ?)', [SHARE_LINK_CHANNEL, `campaign:${b}`]);
      await until(() => heard.length === 2);
      expect(heard[1]).toEqual({ kind: 'campaign', id: b });
      expect(gaps).toBe(1);
    } finally {
      await listener.close();
    }
  });

  it('the database announces a changed status or destination when it commits, and nothing for a rollback or another column', async () => {
    const heard: ShareLinkChange[] = [];
    const listener = new PgListener(app.config.databaseUrl!, {
      channels: { [SHARE_LINK_CHANNEL]: shareLinkHandler((c) => heard.push(c), log) },
      onGap() {},
      log,
    });
    await listener.start();
    try {
      const { merchantId, token } = await app.newMerchant();
      const created = await app.gql(
        `mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
        {
          input: {
            name: 'Announced',
            slug: `announced-${uuidv7().slice(-8)}`,
            destinationUrl: 'https://shop.example/',
            currency: 'USD',
            commission: { type: 'FLAT', amountMinor: 100 },
            intakeFields: [],
          },
        },
        token,
      );
      const id = created.data!.createCampaign.id as string;
      await app.gql(
        `mutation($id: ID!, $input: CampaignUpdateInput!) { updateCampaign(id: $id, input: $input) { id } }`,
        { id, input: { name: 'Renamed' } },
        token,
      );
      const em = app.emFor(merchantId);
      await em
        .transactional(async (tx) => {
          await tx.execute(`update campaign set status = 'PAUSED' where id = ?`, [id]);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await app.gql(
        `mutation($id: ID!, $input: CampaignUpdateInput!) { updateCampaign(id: $id, input: $input) { id } }`,
        { id, input: { destinationUrl: 'https://shop.example/new' } },
        token,
      );
      // Notifications arrive in commit order: once this one is heard, any announcement of the above has been too.
      const last = uuidv7();
      await sql('select pg_notify(?, ?)', [SHARE_LINK_CHANNEL, `enrollment:${last}`]);
      await until(() => heard.some((c) => c.id === last));
      expect(heard).toEqual([
        { kind: 'campaign', id },
        { kind: 'enrollment', id: last },
      ]);
    } finally {
      await listener.close();
    }
  });
});
