// The share-link redirect against a bare Node http server (a process of its own) answering the
// same 302, both driven by autocannon (50 connections) in the same run: throughput ratio, p99
// ratio, and every 302 served by the real server found as a click row after a graceful shutdown.
// A third server, the floor, answers the bare 302 and stores a preformatted click row per request:
// the ratio no implementation that keeps its clicks in PostgreSQL on this machine can beat.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import { confirmFromOutbox, freshDatabase, gql, machineCpuSeconds, postgres, postgresCpuSeconds, processCpuSeconds, startServer } from './lib.mjs';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const DURATION = Number(process.env.DURATION ?? 10);
const WARMUP = Number(process.env.WARMUP ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DB_NAME = 'sorae_bench_redirect';
/** A path prefix for a CPU profile of the real server during round 1: <prefix>.real.cpuprofile. */
const PROFILE = process.env.PROFILE;
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** autocannon in its own process, so the load generator does not share the server's event loop. */
function autocannon(url, seconds) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [autocannonBin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', '-n', url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited with ${code}`))));
  });
}

/**
 * Counts the 302s a server has sent, on the server side: autocannon stops counting at the end of
 * a run while up to 50 answers are still on the wire (their clicks are logged all the same).
 */
function count302(server) {
  const counter = { n: 0 };
  server.on('request', (_req, res) => res.on('close', () => res.headersSent && res.statusCode === 302 && counter.n++));
  return counter;
}

/** Garbage-collection pause time in this process (the real server), in ms. */
const gc = { ms: 0, count: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.ms += e.duration;
    gc.count++;
  }
}).observe({ entryTypes: ['gc'] });

/** Starts one of the baseline servers (a script beside this one) in a process of its own; resolves with it and its port. */
function startBaseline(script, env) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
  });
}

const cluster = await postgres();
let app;
let bare;
let floor;
try {
  const dbUrl = await freshDatabase(cluster.url, DB_NAME);
  app = await startServer(dbUrl);
  const served = count302(app.server);
  // One approved enrollment: a campaign, an application, its approval.
  const { token } = (await gql(app.url, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
  const { slug } = (
    await gql(
      app.url,
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { slug } }`,
      {
        input: {
          name: 'Bench',
          slug: 'bench-redirect',
          destinationUrl: 'https://shop.example/landing?ref=sorae',
          currency: 'USD',
          commission: { type: 'FLAT', amountMinor: 500 },
          intakeFields: [],
        },
      },
      token,
    )
  ).data.createCampaign;
  const { id } = (
    await gql(app.url, `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
      input: { campaignSlug: slug, email: 'affiliate@bench.example', name: 'Bench Affiliate', password: 'affiliate-pw', answers: [] },
    })
  ).data.submitApplication;
  await confirmFromOutbox(app.url, token, 'affiliate@bench.example');
  const review = (
    await gql(
      app.url,
      `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareCode } } } }`,
      {
        input: { ids: [id], decision: 'APPROVE' },
      },
      token,
    )
  ).data.reviewApplications;
  const code = review.results[0].enrollment.shareCode;

  // The bare server answers with the headers the real one sends for this link.
  const sample = await fetch(`${app.url}/r/${code}`, { redirect: 'manual' });
  if (sample.status !== 302) throw new Error(`the share link answered ${sample.status}`);
  const headers = {
    location: sample.headers.get('location'),
    'cache-control': sample.headers.get('cache-control'),
    'set-cookie': sample.headers.get('set-cookie'),
    'content-length': '0',
  };
  // Both baselines run in processes of their own: in this one they would pay for the app's async
  // hooks (AsyncLocalStorage) on every request, which a bare Node server does not have.
  const env = { HEADERS: JSON.stringify(headers) };
  const bareServer = await startBaseline('./bare-server.mjs', env);
  bare = bareServer.child;
  // The floor copies a real click row into a table of its own shaped and indexed like `click`.
  await app.services.traffic.clicks.sync();
  const admin = new pg.Client({ connectionString: dbUrl });
  await admin.connect();
  await admin.query('create table click_floor (like click including all)');
  await admin.end();
  const floorServer = await startBaseline('./floor-server.mjs', { ...env, DATABASE_URL: dbUrl, TABLE: 'click_floor' });
  floor = floorServer.child;
  const bareUrl = `http://127.0.0.1:${bareServer.port}/r/${code}`;
  const floorUrl = `http://127.0.0.1:${floorServer.port}/r/${code}`;
  const realUrl = `${app.url}/r/${code}`;

  console.log(`warming up the three for ${WARMUP} s…`);
  await autocannon(bareUrl, WARMUP);
  await autocannon(realUrl, WARMUP);
  await autocannon(floorUrl, WARMUP);

  // Take turns, ROUNDS times each. The VM is shared, so each one's best round is kept,
  // and each server's CPU time per request is shown as well: it is what the ratio would be on a
  // machine doing nothing else.
  const serverCpuSeconds = (name) => {
    if (name === 'bare') return processCpuSeconds(bare.pid);
    if (name === 'floor') return processCpuSeconds(floor.pid);
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const results = { bare: [], real: [], floor: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, url] of [
      ['bare', bareUrl],
      ['real', realUrl],
      ['floor', floorUrl],
    ]) {
      const profiler = PROFILE && round === 1 && name === 'real' ? new Session() : undefined;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      const gc0 = { ...gc };
      const cpu0 = serverCpuSeconds(name);
      const pg0 = postgresCpuSeconds(DB_NAME);
      const box0 = machineCpuSeconds();
      const r = await autocannon(url, DURATION);
      const cpu = (serverCpuSeconds(name) - cpu0) * 1e6;
      if (profiler) {
        writeFileSync(`${PROFILE}.${name}.cpuprofile`, JSON.stringify((await profiler.post('Profiler.stop')).profile));
        profiler.disconnect();
      }
      const pgCpu = postgresCpuSeconds(DB_NAME) - pg0;
      const box1 = machineCpuSeconds();
      // What the rest of the machine (mostly the load generator) spent per request.
      const restPerRequest = ((box1.busy - box0.busy) * 1e6 - cpu - pgCpu * 1e6) / r.requests.total;
      const busy = (box1.busy - box0.busy) / Math.max(box1.total - box0.total, 1e-9);
      const gcShown = name === 'real' ? ` (GC ${(((gc.ms - gc0.ms) * 1000) / r.requests.total).toFixed(1)} µs, ${gc.count - gc0.count} pauses)` : '';
      const non302 = r.non2xx - (r['3xx'] ?? 0);
      const cpuPerRequest = cpu / r.requests.total;
      results[name].push({ rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + Math.max(0, non302), cpuPerRequest });
      console.log(
        `round ${round} ${name}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
          `server ${cpuPerRequest.toFixed(0)} µs CPU/request${gcShown}, PostgreSQL ${((pgCpu * 1e6) / r.requests.total).toFixed(0)} µs CPU/request (${((pgCpu / DURATION) * 100).toFixed(0)}% of a core), load generator and the rest ${restPerRequest.toFixed(0)} µs/request, machine ${(busy * 100).toFixed(0)}% busy, errors ${r.errors}, timeouts ${r.timeouts}, non-302 ${non302}`,
      );
    }
  }
  // Headline: the median over rounds of real/bare measured back to back, which cancels most of
  // the shared machine's drift; each one's best round is printed too.
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const throughputRatio = median(results.real.map((x, i) => x.rps / results.bare[i].rps));
  const p99Ratio = median(results.real.map((x, i) => x.p99 / Math.max(results.bare[i].p99, 1)));
  const best = (list) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
  const b = best(results.bare);
  const r = best(results.real);
  const cpuRatio = median(results.bare.map((x) => x.cpuPerRequest)) / median(results.real.map((x) => x.cpuPerRequest));
  const floorRatio = median(results.floor.map((x, i) => x.rps / results.bare[i].rps));
  const floorP99Ratio = median(results.floor.map((x, i) => x.p99 / Math.max(results.bare[i].p99, 1)));

  // Graceful shutdown (what SIGTERM does) flushes the click log; then count.
  const pendingAtClose = app.services.traffic.clicks.pending;
  await app.close();
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const {
    rows: [{ n }],
  } = await db.query('select count(*)::int as n from click');
  await db.end();

  console.log('');
  console.log(`best rounds: bare Node http ${b.rps.toFixed(0)} req/s (p99 ${b.p99} ms), Sorae /r/:code ${r.rps.toFixed(0)} req/s (p99 ${r.p99} ms)`);
  console.log(`throughput ratio ${throughputRatio.toFixed(2)} (median of rounds; target ≥ 0.70) ${throughputRatio >= 0.7 ? 'OK' : 'MISSED'}`);
  console.log(`p99 ratio        ${p99Ratio.toFixed(2)} (median of rounds; target ≤ 2.00) ${p99Ratio <= 2 ? 'OK' : 'MISSED'}`);
  console.log(`CPU-time ratio   ${cpuRatio.toFixed(2)} (bare µs / real µs per request, medians)`);
  console.log(
    `floor            throughput ratio ${floorRatio.toFixed(2)}, p99 ratio ${floorP99Ratio.toFixed(2)} (the bare 302 plus one preformatted COPY row per click: what storing clicks alone costs here)`,
  );
  console.log(
    `302s served ${served.n} (warm-up included), click rows after shutdown ${n} (${pendingAtClose} were buffered at close) ${n === served.n ? 'OK' : 'MISMATCH'}`,
  );
  if (results.real.some((x) => x.errors) || n !== served.n) process.exitCode = 1;
} finally {
  bare?.kill();
  floor?.kill();
  await app?.close();
  cluster.stop();
}
