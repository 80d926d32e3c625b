// Hostile GraphQL queries beside ordinary traffic: anonymous clients flood the server with
// 5,000-alias and deeply nested queries while an operator pages through campaigns. The same
// flood made of trivial queries (`{ __typename }`) is the baseline: any flood takes CPU from a
// single Node process, so the figure is the operator's p95 beside the hostile flood over the p95
// beside the trivial one, from the same run (1.0: a hostile query costs no more than a trivial one).
import { performance } from 'node:perf_hooks';
import { freshDatabase, gql, percentile, postgres, startServer } from './lib.mjs';

const REQUESTS = Number(process.env.REQUESTS ?? 300);
const ATTACKERS = Number(process.env.ATTACKERS ?? 4);

const aliases = `{ ${Array.from({ length: 5_000 }, (_, i) => `a${i}: publicCampaign(slug: "bench") { name intakeFields { key } }`).join(' ')} }`;
let nested = 'id email';
for (let i = 0; i < 3; i++) nested = `id commissions { edges { node { id affiliate { ${nested} } } } }`;
const deep = `{ affiliates(first: 500) { edges { node { ${nested} } } } }`;

const server = await postgres();
const url = await freshDatabase(server.url, 'sorae_bench_graphql_attack');
const app = await startServer(url, { STRIPE_EMULATOR_PORT: '0' });
try {
  const { token } = (await gql(app.url, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
  for (let i = 0; i < 20; i++) {
    await gql(
      app.url,
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
      {
        input: {
          name: `Bench ${i}`,
          slug: i ? `bench-${i}` : 'bench',
          destinationUrl: 'https://shop.example/',
          currency: 'USD',
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
        },
      },
      token,
    );
  }
  const ordinary = async () => {
    const latencies = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      await gql(app.url, `{ campaigns(first: 20) { totalCount edges { node { id name slug status commission { type rateBps } } } } }`, {}, token);
      latencies.push(performance.now() - start);
    }
    return latencies.sort((a, b) => a - b);
  };

  await ordinary(); // warm-up
  const quiet = await ordinary();

  const flood = async (bodies) => {
    let stop = false;
    const answers = new Map();
    const latencies = [];
    const client = async (body) => {
      while (!stop) {
        const start = performance.now();
        const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const json = await res.json();
        latencies.push(performance.now() - start);
        const key = `${res.status} ${json.errors?.[0]?.extensions?.code ?? 'ok'}${json.errors ? ` (${json.errors[0].message.slice(0, 70)})` : ''}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
      }
    };
    const clients = Array.from({ length: ATTACKERS }, (_, i) => client(bodies[i % bodies.length]));
    const measured = await ordinary();
    stop = true;
    await Promise.all(clients);
    return { measured, answers, latencies: latencies.sort((x, y) => x - y) };
  };
  const trivial = await flood([JSON.stringify({ query: '{ __typename }' })]);
  const kinds = { aliases: [JSON.stringify({ query: aliases })], deep: [JSON.stringify({ query: deep })] };
  const hostile = await flood(kinds[process.env.HOSTILE] ?? [...kinds.aliases, ...kinds.deep]);

  const fmt = (l) => `p50 ${percentile(l, 50).toFixed(1)} ms, p95 ${percentile(l, 95).toFixed(1)} ms`;
  console.log(`ordinary requests alone:                 ${fmt(quiet)}`);
  console.log(
    `beside a flood of trivial queries:       ${fmt(trivial.measured)} (${ATTACKERS} clients, ${trivial.latencies.length} requests, each ${fmt(trivial.latencies)})`,
  );
  console.log(
    `beside a flood of hostile queries:       ${fmt(hostile.measured)} (${ATTACKERS} clients, ${hostile.latencies.length} requests, each ${fmt(hostile.latencies)})`,
  );
  console.log(`p95 ratio hostile flood / trivial flood: ${(percentile(hostile.measured, 95) / percentile(trivial.measured, 95)).toFixed(2)}`);
  console.log('hostile queries were answered:');
  for (const [answer, n] of hostile.answers) console.log(`  ${n} × ${answer}`);
} finally {
  await app.close();
  await server.stop();
}
