import 'reflect-metadata';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { migrate, openOrm, type PoolOptions } from './db/orm.js';
import { isPglite } from './db/pglite.js';
import { requestContext, type Context } from './graphql/context.js';
import { formatError, refuseNulInStrings } from './graphql/errors.js';
import { getSchema } from './graphql/schema.js';
import { QUERY_LIMITS, limitRules, nodeLimitPlugin } from './graphql/limits.js';
import { SESSION_COOKIES, parseCookies } from './http/cookies.js';
import { drainHttp } from './http/drain.js';
import { ServingPressure } from './http/serving-pressure.js';
import { graphqlHandler } from './http/graphql-handler.js';
import { INTERNAL_ERROR_MESSAGE, logInternalError } from './http/internal-error.js';
import { HttpError, RequestTarget, Router, clientIp, sendJson } from './http/router.js';
import { trafficRoutes } from './modules/tracking/index.js';
import { securityHeaders, setHeaders } from './http/security-headers.js';
import { spaHandler } from './http/static.js';
import { orderWebhookRoutes } from './modules/orders/index.js';
import { connectStripe, stripeWebhookRoutes } from './modules/payouts/index.js';
import { unsubscribeRoutes } from './modules/mail/index.js';
import { stripeSalesWebhookRoutes } from './modules/stripe-sales/index.js';
import { csvExportRoutes } from './http/exports.js';
import { commissionsCsv } from './modules/commissions/index.js';
import { affiliatesCsv, applicationsCsv } from './modules/applications/index.js';
import { lockedToTenant } from './modules/tenancy.js';
import type { StripeEmulator } from '@sorae/stripe-emulator';
import { every } from './jobs/periodic.js';
import { createLogger, type Logger } from './logger.js';
import { seedDemo } from './seed/demo.js';
import { createServices, type Services } from './services.js';

export interface AppOptions {
  config: Config;
  log?: Logger;
  /** The clock every request and job reads; tests pass a fixed one. */
  clock?: () => Date;
  /** Keep no analytics figures: only the benchmarks' baseline (bench/analytics.mjs), never a server. */
  withoutRollups?: boolean;
}

export interface App {
  url: string;
  server: Server;
  orm: MikroORM;
  services: Services;
  config: Config;
  /** The built-in Stripe emulator when no STRIPE_SECRET_KEY is set (tests read /_emulator/* from it). */
  stripeEmulator: StripeEmulator | null;
  /**
   * Stops taking connections, answers the requests in flight (those still running after half of
   * SHUTDOWN_TIMEOUT_MS lose their connection), stops the background jobs, writes the buffered
   * clicks and closes the database. Rejects when the click log or a job did not stop cleanly.
   */
  close(): Promise<void>;
}

const webDist = (app: string) => fileURLToPath(new URL(`../../${app}/dist`, import.meta.url));

function bearerOrCookie(req: IncomingMessage, cookies: ReadonlyMap<string, string>): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  // Admin and portal share an origin: each app says which of its sessions it means.
  const audience = req.headers['x-sorae-audience'];
  if (audience === 'portal') return cookies.get(SESSION_COOKIES.affiliate);
  if (audience === 'admin') return cookies.get(SESSION_COOKIES.operator);
  return cookies.get(SESSION_COOKIES.operator) || cookies.get(SESSION_COOKIES.affiliate);
}

export async function createApp({ config, log = createLogger(config.logLevel), clock = () => new Date(), withoutRollups = false }: AppOptions): Promise<App> {
  // Stopped as soon as a shutdown begins, while requests drain: their work is transactional or
  // leased, so none is left half done.
  const jobs: (() => Promise<void>)[] = [];
  // Closed last, newest first, once nothing uses them.
  const resources: (() => Promise<void>)[] = [];
  let database: { url: string; pool: PoolOptions };
  if (config.databaseUrl) database = { url: config.databaseUrl, pool: { max: config.dbPoolMax } };
  else {
    const embedded = await startEmbeddedPostgres(config.dataDir);
    resources.push(() => embedded.stop());
    database = embedded;
    log.info({ dataDir: config.dataDir }, 'using the embedded PostgreSQL (PGlite); set DATABASE_URL for production');
  }
  const orm = await openOrm(database.url, database.pool, log);
  resources.unshift(() => orm.close());
  await migrate(orm);

  // Stripe, or the built-in emulator on loopback when no STRIPE_SECRET_KEY (closed after the runner).
  const stripe = await connectStripe(config, log);
  resources.unshift(() => stripe.close());
  const services = createServices(config, orm, log, stripe, clock, { rollups: !withoutRollups });
  const resealed = await services.orderWebhookSecrets.resealAll(orm.em.fork());
  if (resealed) log.info({ resealed }, 'sealed order-webhook secrets with the current SECRETS_KEY');
  const resealedSales = await services.stripeSales.resealAll(orm.em.fork());
  if (resealedSales) log.info({ resealed: resealedSales }, 'sealed Stripe sales keys with the current SECRETS_KEY');
  const resealedEndpoints = await services.webhooks.resealAll(orm.em.fork());
  if (resealedEndpoints) log.info({ resealed: resealedEndpoints }, 'sealed outgoing webhook secrets with the current SECRETS_KEY');
  jobs.push(() => services.mail.close());
  jobs.push(() => services.webhooks.close());
  // Other processes' suspensions and clicks reach this one (PGlite is one process's database).
  if (!(await isPglite(orm))) await services.traffic.shareWithOtherProcesses(database.url);
  const finalizing = every(config.finalizeIntervalMs, 'finalize-commissions', () => services.finalization.sweep(orm.em.fork(), clock()), log);
  jobs.push(() => finalizing.stop());
  if (!withoutRollups) {
    const clickRollup = every(config.analyticsRollupMs, 'analytics-clicks', () => services.rollups.rollUpClicks(orm.em.fork()), log);
    jobs.push(() => clickRollup.stop());
  }
  const merchant = await services.auth.bootstrap(orm.em.fork());
  if (merchant) {
    log.info({ email: config.admin.email }, 'created the first merchant and its owner');
    if (config.seedDemo) await seedDemo(orm.em.fork(), services, merchant, clock());
  }

  const apollo = new ApolloServer<Context>({
    schema: await getSchema(),
    // main.ts owns the signals: Apollo's own handler stopped it under our close() (which then
    // waited forever on a stop in progress) and re-sent the signal.
    stopOnTerminationSignals: false,
    formatError: formatError(log),
    // Internal errors are masked in every mode; callers' errors need no stack either.
    includeStacktraceInErrorResponses: false,
    introspection: config.graphql.introspection,
    hideSchemaDetailsFromClientErrors: !config.graphql.introspection,
    persistedQueries: config.graphql.persistedQueries ? undefined : false,
    csrfPrevention: true,
    // Refused before anything runs: too many tokens, too deep, too many aliases or rows (graphql/limits.ts).
    parseOptions: { maxTokens: QUERY_LIMITS.tokens },
    validationRules: [refuseNulInStrings, ...limitRules],
    plugins: [
      nodeLimitPlugin,
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      // No cache hints are used; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  // The caller fixes the request's tenant for the whole request (see requestContext).
  const makeContext = async (req: IncomingMessage, setCookies: string[]): Promise<Context> => {
    const cookies = parseCookies(req);
    const caller = await services.auth.resolveCaller(orm.em.fork(), bearerOrCookie(req, cookies), clock());
    return requestContext(orm.em, caller, {
      services,
      config,
      log,
      ip: clientIp(req, config.trustProxyHops),
      now: clock,
      cookies,
      setCookie: (c) => setCookies.push(c),
    });
  };

  const headers = securityHeaders(config);
  const spa = { headers: headers.spa, sourceMaps: config.serveSourceMaps };
  const router = new Router();
  trafficRoutes(router, { traffic: services.traffic, clock, cookieSecure: config.cookieSecure, trustProxyHops: config.trustProxyHops, log });
  const orderWebhooks = orderWebhookRoutes(router, { fork: () => orm.em.fork(), orders: services.orders, secrets: services.orderWebhookSecrets, clock, log });
  unsubscribeRoutes(router, { mail: services.mail, fork: () => orm.em.fork(), clock });
  stripeWebhookRoutes(router, { payouts: services.payouts, stripe: stripe.stripe, webhookSecret: stripe.webhookSecret, log });
  stripeSalesWebhookRoutes(router, { fork: () => orm.em.fork(), sales: services.stripeSales, clock, log });
  csvExportRoutes(
    router,
    {
      callerOf: (req) => services.auth.resolveCaller(orm.em.fork(), bearerOrCookie(req, parseCookies(req)), clock()),
      emFor: (merchantId) => lockedToTenant(orm.em, merchantId),
      clock,
    },
    [commissionsCsv(services.commissions), affiliatesCsv(services.affiliateDirectory), applicationsCsv(services.applications)],
  );
  router
    .on('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }))
    .on(['GET', 'POST'], '/graphql', (req, res, _p, target) => graphqlHandler(apollo, makeContext, config.sqlStatementHeader)(req, res, target))
    .on('GET', '/admin/*', spaHandler(webDist('admin-web'), '/admin', spa))
    .on('GET', '/portal/*', spaHandler(webDist('portal-web'), '/portal', spa))
    .on('GET', '/', (_req, res) => {
      res.writeHead(302, { location: '/admin/' });
      res.end();
    });

  const fail = (res: ServerResponse, e: unknown, path: string) => {
    if (e instanceof HttpError && !res.headersSent) {
      sendJson(res, e.status, { error: e.message, ...e.details }, e.headers);
      return;
    }
    const requestId = logInternalError(log, e, { path, responseStarted: res.headersSent });
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { error: INTERNAL_ERROR_MESSAGE, requestId });
  };

  let draining = false;
  // Background work that can wait (outgoing webhooks) yields while requests keep the process busy.
  const serving = new ServingPressure();
  // Synchronous when the route answers synchronously (the redirect's cache hits): no promise,
  // no microtask per request. A request target that is not a URL path gets 400, not a crash.
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    serving.request(res);
    setHeaders(res, headers.edge);
    // A request on a kept-alive connection during shutdown: answered, then the connection closes.
    if (draining) res.shouldKeepAlive = false;
    const target = RequestTarget.parse(req.url ?? '/');
    if (!target) {
      sendJson(res, 400, { error: 'Malformed request target' });
      return;
    }
    try {
      const route = router.match(req.method ?? 'GET', target.pathname);
      if ('status' in route) throw new HttpError(route.status, route.status === 404 ? 'Not found' : 'Method not allowed');
      const result = route.handler(req, res, route.params, target);
      if (result instanceof Promise) result.catch((e: unknown) => fail(res, e, target.pathname));
    } catch (e) {
      fail(res, e, target.pathname);
    }
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  stripe.emulator?.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/stripe`);
  services.stripeSales.listeningAt(`http://127.0.0.1:${port}`);
  // Payout batches resume and the monthly schedule runs once the emulator can reach this server.
  const payoutTicks = every(config.payouts.tickMs, 'payouts', () => services.payouts.tick(), log);
  jobs.push(() => payoutTicks.stop().then(() => services.payouts.close()));
  services.mail.start();
  services.webhooks.start(port, serving);

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    orm,
    services,
    config,
    stripeEmulator: stripe.emulator,
    close: () =>
      (closing ??= (async () => {
        const jobsStopped = Promise.allSettled(jobs.map((stop) => stop()));
        draining = true;
        await drainHttp(server, config.shutdownTimeoutMs / 2);
        await apollo.stop();
        // Every request has been answered: the clicks they buffered, and the order webhooks' log, are written now.
        const outcomes = [...(await Promise.allSettled([services.traffic.close(), orderWebhooks.close()])), ...(await jobsStopped)];
        for (const release of resources) await release();
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        if (failures.length) throw new AggregateError(failures, 'shutdown: a job or the click log did not stop cleanly');
      })()),
  };
}
