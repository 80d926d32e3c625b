import { CODE_ALPHABET } from '../../ids.js';

/** What the redirect needs to know about a share code, cached in process. */
export interface ShareLink {
  code: string;
  enrollmentId: string;
  affiliateId: string;
  campaignId: string;
  merchantId: string;
  destinationUrl: string;
  /** An ACTIVE enrollment in an ACTIVE campaign: anything else answers 404. */
  active: boolean;
  /** The destination cut into what the redirect appends to (see `locationFor`). */
  target: Target;
}

/** Looks share codes up in the database (enrollment joined with its campaign), by code alone. */
export type ShareLinkSource = (code: string) => Promise<Omit<ShareLink, 'target'> | null>;

export interface ShareCodeCacheOptions {
  /** Codes kept (found ones); the oldest entry goes first beyond it. */
  maxEntries?: number;
  /** Unknown codes kept, separately, so a flood of made-up codes cannot evict real ones. */
  maxMisses?: number;
  /** How long a found code is trusted. Other processes' suspensions reach this one within it. */
  ttlMs?: number;
  /** How long an unknown code stays unknown without asking the database again. */
  missTtlMs?: number;
  /** Monotonic milliseconds; tests pass their own. */
  now?: () => number;
}

const MAX_CODE_LENGTH = 16;
const CODE_CHARS = new RegExp(`^[${CODE_ALPHABET}]{1,${MAX_CODE_LENGTH}}$`);

/** The canonical form of a share code as typed in a URL, or null when it cannot be one. */
export function normalizeShareCode(raw: string): string | null {
  if (raw.length === 0 || raw.length > MAX_CODE_LENGTH) return null;
  const code = raw.toUpperCase();
  return CODE_CHARS.test(code) ? code : null;
}

interface Entry<T> {
  value: T;
  expires: number;
}

/**
 * Share code → enrollment, in process: a redirect that hits the cache never waits on the
 * database. Two bounded maps (found codes and unknown ones), each evicting in insertion order,
 * entries expiring after a TTL; concurrent misses for one code share one query. Suspending an
 * enrollment or pausing a campaign in this process invalidates at once (`invalidate*`); the TTL
 * bounds how long another process's change takes to show.
 */
export class ShareCodeCache {
  private readonly hits = new Map<string, Entry<ShareLink>>();
  private readonly misses = new Map<string, number>();
  private readonly pending = new Map<string, { generation: number; lookup: Promise<ShareLink | null> }>();
  /** Bumped by every invalidation: a lookup that started before one does not store its answer. */
  private generation = 0;
  private readonly maxEntries: number;
  private readonly maxMisses: number;
  private readonly ttlMs: number;
  private readonly missTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly source: ShareLinkSource,
    options: ShareCodeCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxMisses = options.maxMisses ?? 10_000;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.missTtlMs = options.missTtlMs ?? 5_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** The cached link when fresh, without any waiting: the redirect's fast path. */
  peek(code: string): ShareLink | null | undefined {
    const hit = this.hits.get(code);
    const now = this.now();
    if (hit) {
      if (hit.expires > now) return hit.value;
      this.hits.delete(code);
    }
    const miss = this.misses.get(code);
    if (miss !== undefined) {
      if (miss > now) return null;
      this.misses.delete(code);
    }
    return undefined;
  }

  /** The link for a normalized code (null when no enrollment has it). */
  get(code: string): ShareLink | null | Promise<ShareLink | null> {
    const cached = this.peek(code);
    if (cached !== undefined) return cached;
    // A lookup that began before an invalidation may have read the old row: later callers ask again.
    const joined = this.pending.get(code);
    if (joined?.generation === this.generation) return joined.lookup;
    const generation = this.generation;
    const lookup: Promise<ShareLink | null> = this.source(code)
      .then((row) => {
        const link = row && toLink(row);
        if (generation === this.generation) this.store(code, link);
        return link;
      })
      .finally(() => {
        if (this.pending.get(code)?.lookup === lookup) this.pending.delete(code);
      });
    this.pending.set(code, { generation, lookup });
    return lookup;
  }

  invalidate(code: string): void {
    this.generation++;
    this.hits.delete(code);
    this.misses.delete(code);
  }

  invalidateEnrollment(enrollmentId: string): void {
    this.generation++;
    for (const [code, entry] of this.hits) if (entry.value.enrollmentId === enrollmentId) this.hits.delete(code);
  }

  invalidateCampaign(campaignId: string): void {
    this.generation++;
    for (const [code, entry] of this.hits) if (entry.value.campaignId === campaignId) this.hits.delete(code);
  }

  clear(): void {
    this.generation++;
    this.hits.clear();
    this.misses.clear();
  }

  get size() {
    return { entries: this.hits.size, misses: this.misses.size };
  }

  private store(code: string, link: ShareLink | null) {
    const now = this.now();
    if (link) {
      this.hits.delete(code);
      if (this.hits.size >= this.maxEntries) this.hits.delete(this.hits.keys().next().value!);
      this.hits.set(code, { value: link, expires: now + this.ttlMs });
    } else {
      this.misses.delete(code);
      if (this.misses.size >= this.maxMisses) this.misses.delete(this.misses.keys().next().value!);
      this.misses.set(code, now + this.missTtlMs);
    }
  }
}

function toLink(row: Omit<ShareLink, 'target'>): ShareLink {
  try {
    return { ...row, target: parseTarget(row.destinationUrl) };
  } catch {
    // Campaigns validate their URL; one that does not parse leads nowhere, like a paused link.
    return { ...row, active: false, target: { base: '', hasQuery: false, hash: '', params: [] } };
  }
}

/**
 * A destination URL prepared once per code so each redirect only concatenates strings:
 * `base` is everything before the fragment with its own sorae_* parameters removed,
 * `params` its query parameters (for the rare redirect that overrides a utm_* value).
 */
export interface Target {
  base: string;
  hasQuery: boolean;
  hash: string;
  params: [string, string][];
}

export function parseTarget(destinationUrl: string): Target {
  const url = new URL(destinationUrl);
  const hash = url.hash;
  url.hash = '';
  // Touching searchParams re-encodes the whole query: only when there is something to remove.
  if (url.searchParams.has('sorae_click') || url.searchParams.has('sorae_vid')) {
    url.searchParams.delete('sorae_click');
    url.searchParams.delete('sorae_vid');
  }
  const base = url.href.replace(/\?$/, '');
  return { base, hasQuery: url.search.length > 1, hash, params: [...url.searchParams] };
}

/**
 * Where a click goes: the destination (query kept), the incoming utm_* values (they win over
 * the destination's own), then `sorae_click` and `sorae_vid`.
 */
export function locationFor(target: Target, utm: [string, string][] | null, clickId: string, visitorId: string): string {
  if (!utm) {
    // Both ids are URL-safe: a UUID, or a visitor id that matched the cookie's [A-Za-z0-9_-] pattern.
    return `${target.base}${target.hasQuery ? '&' : '?'}sorae_click=${clickId}&sorae_vid=${visitorId}${target.hash}`;
  }
  const overridden = new Set(utm.map(([k]) => k));
  const params = new URLSearchParams(target.params.filter(([k]) => !overridden.has(k)));
  for (const [k, v] of utm) params.append(k, v);
  params.append('sorae_click', clickId);
  params.append('sorae_vid', visitorId);
  const q = target.base.indexOf('?');
  return `${q < 0 ? target.base : target.base.slice(0, q)}?${params}${target.hash}`;
}
