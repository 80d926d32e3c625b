import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Standard Webhooks' retry schedule (Svix's): after the first attempt, retries 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h later, 27 h 35 min in all, so an endpoint down for a day still
 * gets every event under its original webhook-id.
 */
export const DEFAULT_RETRY_SCHEDULE_S = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;

/** New passwords (sign-up, operators, the first owner) are at least this long. */
export const MIN_PASSWORD_LENGTH = 12;

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DATA_DIR: z.string().default('.data'),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).optional(),
    MERCHANT_NAME: z.string().min(1).default('Sorae Demo Store'),
    SEED_DEMO: bool.optional(),
    PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(15),
    APPLY_LIMIT_PER_IP: z.coerce.number().int().min(1).default(20),
    APPLY_LIMIT_PER_EMAIL: z.coerce.number().int().min(1).default(10),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24 * 14),
    COOKIE_SECURE: bool.optional(),
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .default(120),
    // `true` is one proxy (the usual load balancer); a number counts the proxies in front.
    TRUST_PROXY: z
      .union([z.enum(['true', 'false']), z.string().regex(/^\d{1,2}$/, 'must be true, false or a number of proxies')])
      .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v)))
      .default(0),
    SIGNIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(20),
    SIGNIN_LIMIT_PER_EMAIL: z.coerce.number().int().min(1).default(5),
    SIGNIN_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
    SIGNIN_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    CLICK_IP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    CLICK_FLUSH_MS: z.coerce.number().int().min(1).max(60_000).default(250),
    CLICK_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
    CLICK_PROCESS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
    ORDER_CLICK_WAIT_MS: z.coerce.number().int().min(10).max(120_000).default(6000),
    FINALIZE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(300),
    ANALYTICS_ROLLUP_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    SQL_STATEMENT_HEADER: bool.optional(),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_test_… or sk_live_…)')
      .optional(),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must be a webhook endpoint secret (whsec_…)').optional(),
    STRIPE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    STRIPE_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
    STRIPE_EMULATOR: bool.optional(),
    STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    STRIPE_EMULATOR_RATE: z.coerce.number().min(0).default(25),
    PAYOUT_RATE_PER_SECOND: z.coerce.number().positive().max(10_000).default(25),
    PAYOUT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    PAYOUT_TICK_MS: z.coerce.number().int().min(10).max(3_600_000).default(15_000),
    PAYOUT_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(500),
    PAYOUT_RETRY_MAX_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
    PAYOUT_LEASE_MARGIN_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
    GRAPHQL_INTROSPECTION: bool.optional(),
    GRAPHQL_PERSISTED_QUERIES: bool.optional(),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(8_000),
    SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    SECRETS_KEY_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
    SERVE_SOURCE_MAPS: bool.default(false),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
    MAIL_FROM: z.email('must be an email address').optional(),
    MAIL_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
    MAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(5000),
    MAIL_RETRY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(3_600_000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    WEBHOOK_RETRY_SCHEDULE: z
      .string()
      .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, 'must be a comma-separated list of seconds')
      .transform((v) => v.split(',').map((s) => Math.round(Number(s) * 1000)))
      .optional(),
    WEBHOOK_DISABLE_AFTER_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 90)
      .default(120),
    WEBHOOK_ALLOW_LOOPBACK: bool.optional(),
    WEBHOOK_MAX_ENDPOINTS: z.coerce.number().int().min(1).max(1000).default(10),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
    }
    if (env.NODE_ENV === 'production' && env.ADMIN_PASSWORD === undefined && env.ADMIN_EMAIL) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'is required with ADMIN_EMAIL in production' });
    }
    // The emulator moves no money: production runs it only when told to (staging, benchmarks).
    if (env.STRIPE_SECRET_KEY && env.STRIPE_EMULATOR) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_EMULATOR'], message: 'cannot be true with STRIPE_SECRET_KEY set: choose Stripe or the emulator' });
    }
    if (!env.STRIPE_SECRET_KEY && !(env.STRIPE_EMULATOR ?? env.NODE_ENV !== 'production')) {
      const message =
        env.NODE_ENV === 'production'
          ? 'is required in production; STRIPE_EMULATOR=true runs the built-in Stripe emulator instead, which moves no money (staging, benchmarks)'
          : 'is required with STRIPE_EMULATOR=false';
      ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required with STRIPE_SECRET_KEY' });
    }
    if (env.MAIL_RETRY_MAX_MS < env.MAIL_RETRY_BASE_MS) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_RETRY_MAX_MS'], message: 'must be at least MAIL_RETRY_BASE_MS' });
    }
    if (env.PAYOUT_RETRY_MAX_MS < env.PAYOUT_RETRY_BASE_MS) {
      ctx.addIssue({ code: 'custom', path: ['PAYOUT_RETRY_MAX_MS'], message: 'must be at least PAYOUT_RETRY_BASE_MS' });
    }
    // Standard Webhooks: a receiver that is down for a day must still get every event.
    if (env.NODE_ENV === 'production' && env.WEBHOOK_RETRY_SCHEDULE && env.WEBHOOK_RETRY_SCHEDULE.reduce((a, b) => a + b, 0) < 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_RETRY_SCHEDULE'], message: 'must add up to at least 24 hours in production' });
    }
    if (env.NODE_ENV === 'production' && !env.CLICK_IP_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['CLICK_IP_SECRET'], message: 'is required in production' });
    }
    if (env.NODE_ENV === 'production' && !env.PUBLIC_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: 'is required in production (the public https origin: share links and application URLs are built on it)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.SECRETS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY'], message: 'is required in production (it seals order-webhook secrets at rest)' });
    }
    if (env.SECRETS_KEY_PREVIOUS && !env.SECRETS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY_PREVIOUS'], message: 'needs SECRETS_KEY (the key that replaces it)' });
    }
    if (env.SECRETS_KEY_PREVIOUS && env.SECRETS_KEY_PREVIOUS === env.SECRETS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY_PREVIOUS'], message: 'must differ from SECRETS_KEY' });
    }
  });

export type Config = ReturnType<typeof loadConfig>;

// The contract's demo credentials: printed at start-up, for a first look on the embedded database
// only (production requires ADMIN_PASSWORD, which must pass the password rules).
const DEMO_ADMIN = { email: 'admin@sorae.local', password: 'sorae-demo' };

/** The only reader of process.env: every setting is validated here once, at start-up. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const demo = e.NODE_ENV !== 'production' && !e.ADMIN_EMAIL;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.DATA_DIR),
    dbPoolMax: e.DB_POOL_MAX,
    admin: {
      email: e.ADMIN_EMAIL ?? DEMO_ADMIN.email,
      password: e.ADMIN_PASSWORD ?? (demo ? DEMO_ADMIN.password : undefined),
      /** The password is the public demo one, exempt from the password rules. */
      demoPassword: e.ADMIN_PASSWORD === undefined && demo,
      merchantName: e.MERCHANT_NAME,
    },
    seedDemo: e.SEED_DEMO ?? (demo && !e.DATABASE_URL),
    /** log2 of scrypt's N: 15 is 32 MiB per hash. */
    passwordHashCost: e.PASSWORD_HASH_COST,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    /** A session unused for this long ends; its last use is written at most once a minute. */
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    /**
     * Proxies in front of the server: the client address (rate limits, click IP hashes) is the
     * X-Forwarded-For entry this many from the right; 0 takes the socket's address.
     */
    trustProxyHops: e.TRUST_PROXY,
    cookieSecure: e.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
    /** Failed password checks allowed before each further attempt waits (doubling up to maxDelayMs). */
    signInLimits: {
      perIp: e.SIGNIN_LIMIT_PER_IP,
      perEmail: e.SIGNIN_LIMIT_PER_EMAIL,
      maxDelayMs: e.SIGNIN_DELAY_MAX_SECONDS * 1000,
      memoryMs: e.SIGNIN_LIMIT_WINDOW_SECONDS * 1000,
    },
    /** Applications one IP address may submit per hour. */
    applyLimitPerIp: e.APPLY_LIMIT_PER_IP,
    /** Applications (each one a confirmation email) one email may submit per hour. */
    applyLimitPerEmail: e.APPLY_LIMIT_PER_EMAIL,
    clicks: {
      /**
       * Key of the HMAC that hashes shoppers' IP addresses. Outside production a random one per
       * process is enough: hashes then only compare within one run.
       */
      ipSecret: e.CLICK_IP_SECRET ?? randomBytes(32).toString('hex'),
      /** The click log writes its buffer at least this often… */
      flushMs: e.CLICK_FLUSH_MS,
      /** …or as soon as it holds this many clicks; a full buffer makes redirects wait. */
      batchSize: e.CLICK_BATCH_SIZE,
      /** A server process whose click watermark is older than this is gone: orders stop waiting for its clicks. */
      processTimeoutMs: e.CLICK_PROCESS_TIMEOUT_MS,
      /** Longest wait of an order for the clicks served before it; then it is refused, retryable (503). */
      orderWaitMs: e.ORDER_CLICK_WAIT_MS,
    },
    /** How often PENDING commissions past their hold are finalized. */
    finalizeIntervalMs: e.FINALIZE_INTERVAL_SECONDS * 1000,
    /** How often analytics adds the clicks stored since its last pass (figures are fresh within about this). */
    analyticsRollupMs: e.ANALYTICS_ROLLUP_MS,
    /** Report each GraphQL request's SQL statement count in `x-sql-statements` (tests, benchmarks). */
    sqlStatementHeader: e.SQL_STATEMENT_HEADER ?? e.NODE_ENV !== 'production',
    logLevel: e.LOG_LEVEL,
    // A developer reads lines; log collectors (production, tests reading logs) get JSON.
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
    graphql: {
      /** Schema introspection, and "Did you mean…" suggestions in errors (they reveal the schema too). */
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      /** Apollo's automatic persisted queries: anyone may register a query under its hash. */
      persistedQueries: e.GRAPHQL_PERSISTED_QUERIES ?? e.NODE_ENV !== 'production',
    },
    /**
     * SIGTERM/SIGINT to exit: requests in progress get half of it before their connections are
     * closed; the process exits with 1 if buffered work is still being written at the end.
     */
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    secrets: {
      /** Seals secrets kept readable (secrets-box.ts); unset outside production: one kept under DATA_DIR. */
      key: e.SECRETS_KEY,
      /** The key SECRETS_KEY replaced: still opens values, which are sealed again with SECRETS_KEY at start. */
      previousKey: e.SECRETS_KEY_PREVIOUS,
    },
    /** Serve the SPAs' source maps (off: they would publish the source). */
    serveSourceMaps: e.SERVE_SOURCE_MAPS,
    /** HSTS only where the public origin is https: over plain http it would lock browsers out. */
    hsts: publicUrl.startsWith('https://'),
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      /**
       * No key: the built-in Stripe emulator starts on loopback and the SDK talks to it (outside
       * production by default, in production only with STRIPE_EMULATOR=true).
       */
      emulator: !e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      /** Another Stripe-compatible endpoint (an emulator in its own process, stripe-mock). */
      apiUrl: e.STRIPE_API_URL,
      timeoutMs: e.STRIPE_TIMEOUT_MS,
      emulatorPort: e.STRIPE_EMULATOR_PORT ?? (e.NODE_ENV === 'test' ? 0 : 12111),
      /** The emulator's per-endpoint limit (Stripe's is 25/s); 0 disables it. */
      emulatorRate: e.STRIPE_EMULATOR_RATE,
    },
    mail: {
      /** Where mail is sent; unset: messages stay in the built-in outbox, which the owner reads. */
      smtpUrl: e.SMTP_URL,
      /** The From address; its display name is the merchant's name. */
      from: e.MAIL_FROM ?? `no-reply@${new URL(publicUrl).hostname}`,
      /** How often each process looks for queued messages. */
      pollMs: e.MAIL_POLL_MS,
      /** First wait after the SMTP server did not answer; doubles up to retryMaxMs, retried until sent. */
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
      retryMaxMs: e.MAIL_RETRY_MAX_MS,
    },
    webhooks: {
      /** How long an endpoint has to answer a delivery; no answer in time is a failed attempt. */
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      /** How often each process looks for due deliveries. */
      pollMs: e.WEBHOOK_POLL_MS,
      /** Deliveries in flight at once, per server process. */
      concurrency: e.WEBHOOK_CONCURRENCY,
      /** The waits before each retry after a failed attempt; when spent, the delivery is FAILED. */
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_S.map((s) => s * 1000),
      /** An endpoint whose every attempt failed for this long is disabled and its owners emailed. */
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER_HOURS * 3600_000,
      /** Endpoints on loopback addresses (local receivers: tests, the demo); private and link-local ones are always refused. */
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK ?? e.NODE_ENV !== 'production',
      /** Endpoints per merchant. */
      maxEndpoints: e.WEBHOOK_MAX_ENDPOINTS,
    },
    payouts: {
      /** Transfers (and reconciliation lists) per second, all server processes together. */
      ratePerSecond: e.PAYOUT_RATE_PER_SECOND,
      /** Stripe calls in flight at once, per server process. */
      concurrency: e.PAYOUT_CONCURRENCY,
      /** How often the runner resumes EXECUTING batches and the monthly schedule is checked. */
      tickMs: e.PAYOUT_TICK_MS,
      /** First wait before retrying a call that got no definite answer; doubles up to retryMaxMs. */
      retryBaseMs: e.PAYOUT_RETRY_BASE_MS,
      retryMaxMs: e.PAYOUT_RETRY_MAX_MS,
      /** A claimed item stays leased for STRIPE_TIMEOUT_MS plus this, so no other runner sends it meanwhile. */
      leaseMarginMs: e.PAYOUT_LEASE_MARGIN_MS,
    },
  };
}
