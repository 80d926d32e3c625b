import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, pgTextArray } from '../../db/pg-arrays.js';
import { DomainError } from '../../errors.js';

const emailKey = (email: string) => `email:${email}`;
const ipKey = (ip: string) => `ip:${ip}`;
const deviceKey = (id: string) => `device:${id}`;

export interface ThrottleLimits {
  /** Failures per email allowed before each further attempt must wait. */
  perEmail: number;
  /** Failures per client address allowed before each further attempt must wait. */
  perIp: number;
  /** The longest wait: the delay doubles per attempt beyond the free ones, up to this. */
  maxDelayMs: number;
  /** Attempts are forgotten after this long without another one. */
  memoryMs: number;
}

/** A counter: its name and how many attempts it allows before each further one waits. */
export interface ThrottleKey {
  key: string;
  free: number;
}

/** Runs a statement written with numbered parameters (`$1` may appear many times). */
function execute<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const ordered: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, i: string) => {
    ordered.push(params[Number(i) - 1]);
    return '?';
  });
  return em.getConnection().execute<T[]>(text, ordered);
}

export function rateLimited(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('RATE_LIMITED', message, undefined, retryAfterSeconds);
}

/**
 * Progressive delays for password checks, kept in PostgreSQL so every process enforces the same
 * count. Nothing locks an account: once a key has had its free failures, each further attempt
 * must wait 1 s, 2 s, 4 s… up to `maxDelayMs` after the one before, and an attempt during the wait is answered at
 * once (RATE_LIMITED with `retryAfterSeconds`) without checking the password and without
 * counting, so hammering does not lengthen the wait, and the right password signs in as soon as
 * it arrives after it. A guesser gets at most one try per `maxDelayMs` per email and per address,
 * while the account's owner, on a device that signed in before, is counted apart (`passwordKeys`).
 */
export class SignInThrottle {
  constructor(private readonly limits: ThrottleLimits) {}

  /**
   * Counts an attempt under every key before its password is checked, so concurrent guesses
   * cannot all slip past one check; throws RATE_LIMITED, counting nothing, when a key is still
   * waiting. A success then forgets it (`succeed`). One statement (two when a concurrent attempt
   * set the wait a moment ago).
   */
  async reserve(em: EntityManager, keys: ThrottleKey[], now: Date, memoryMs = this.limits.memoryMs): Promise<void> {
    // Attempts including this one: the stored count unless it is forgotten, plus one.
    const n = `(case when t.expires_at <= $1 then 0 else t.failures end) + 1`;
    // Validated integers from the configuration, written into the statement as a literal.
    // No wait is '-infinity', not now: a clock behind this one (another process's) must not see one.
    const waitUntil = (count: string, free: string) =>
      `(case when ${count} >= ${free} then $1::timestamptz + make_interval(secs => least(${this.limits.maxDelayMs}, 1000 * power(2, least(${count} - ${free}, 30))) / 1000.0) else '-infinity' end)`;
    const names = keys.map((k) => k.key);
    const [row] = await execute<{ until: Date | null; counted: string }>(
      em,
      `with waiting as (
         select max(blocked_until) as until from signin_throttle where key = any($2::text[]) and blocked_until > $1::timestamptz
       ), forgotten as (
         delete from signin_throttle where key in (
           select key from signin_throttle where expires_at <= $1::timestamptz and key <> all($2::text[]) limit 100)
       ), counted as (
         insert into signin_throttle as t (key, free, failures, blocked_until, expires_at)
         select k, f, 1, ${waitUntil('1', 'f')}, $3 from unnest($2::text[], $4::int[]) as i(k, f)
          where (select until from waiting) is null
         on conflict (key) do update set
           free = excluded.free,
           failures = ${n},
           blocked_until = ${waitUntil(n, 'excluded.free')},
           expires_at = excluded.expires_at
         -- Checked again on the row as committed: a concurrent attempt may have just set a wait.
         where t.blocked_until <= $1::timestamptz
         returning 1)
       select (select until from waiting) as until, (select count(*) from counted) as counted`,
      [now, pgTextArray(names), new Date(now.getTime() + memoryMs), pgArray(keys.map((k) => k.free))],
    );
    let until = row?.until ?? null;
    if (!until && Number(row?.counted) < keys.length) {
      [{ until } = { until: null }] = await execute<{ until: Date | null }>(
        em,
        `select max(blocked_until) as until from signin_throttle where key = any($1::text[])`,
        [pgTextArray(names)],
      );
    }
    if (until) {
      const seconds = Math.max(1, Math.ceil((new Date(until).getTime() - now.getTime()) / 1000));
      throw rateLimited(`Too many attempts: try again in ${seconds} s`, seconds);
    }
  }

  /**
   * The keys of a password check for this email from this address. A known device of the
   * account (a trusted device cookie's id) is counted under its own key instead of the email's,
   * with as many free failures: guesses at the email by others do not make it wait, and its own
   * failures do.
   */
  passwordKeys(email: string, ip: string, device: string | null = null): ThrottleKey[] {
    return [
      { key: device ? deviceKey(device) : emailKey(email), free: this.limits.perEmail },
      { key: ipKey(ip), free: this.limits.perIp },
    ];
  }

  /** The keys of another account action (`reset-request`, `reset`, …): per address, and per email when there is one. */
  actionKeys(action: string, ip: string, email: string | null): ThrottleKey[] {
    return [
      ...(email ? [{ key: `${action}:${emailKey(email)}`, free: this.limits.perEmail }] : []),
      { key: `${action}:${ipKey(ip)}`, free: this.limits.perIp },
    ];
  }

  /**
   * The right password: the failures of the key it was counted under (the email's, or the known
   * device's) are forgotten; a known device leaves the email's in place, as they are someone
   * else's guesses. The address keeps its count but for this attempt (else one account of one's
   * own would reset an address that guesses others').
   */
  async succeed(em: EntityManager, email: string, ip: string, device: string | null = null): Promise<void> {
    await execute(
      em,
      `with f as (delete from signin_throttle where key = $1)
       update signin_throttle set failures = greatest(failures - 1, 0) where key = $2`,
      [device ? deviceKey(device) : emailKey(email), ipKey(ip)],
    );
  }
}
