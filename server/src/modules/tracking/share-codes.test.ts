import { describe, expect, it } from 'vitest';
import { ShareCodeCache, locationFor, normalizeShareCode, parseTarget, type ShareLinkSource } from './share-codes.js';

const row = (code: string, over: Record<string, unknown> = {}) => ({
  code,
  enrollmentId: `e-${code}`,
  affiliateId: 'a',
  campaignId: 'c',
  merchantId: 'm',
  destinationUrl: 'https://shop.example/?ref=x',
  active: true,
  ...over,
});

function source(known: Record<string, ReturnType<typeof row>>) {
  const asked: string[] = [];
  const fn: ShareLinkSource = async (code) => {
    asked.push(code);
    await new Promise((r) => setTimeout(r, 1));
    return known[code] ?? null;
  };
  return { fn, asked };
}

describe('share codes', () => {
  it('normalizes case and refuses other alphabets and lengths', () => {
    expect(normalizeShareCode('ab23cdef')).toBe('AB23CDEF');
    for (const bad of ['', 'AB0CDEFG', 'ABIC', 'AB-CD', 'A'.repeat(17), 'ÄBCD', 'AB CD']) expect(normalizeShareCode(bad), bad).toBeNull();
  });

  it('asks the database once per code, shares concurrent lookups, and answers hits synchronously', async () => {
    const { fn, asked } = source({ AAAA2222: row('AAAA2222') });
    const cache = new ShareCodeCache(fn);
    const [a, b] = await Promise.all([cache.get('AAAA2222'), cache.get('AAAA2222')]);
    expect(a).toBe(b);
    const hit = cache.get('AAAA2222');
    expect(hit).not.toBeInstanceOf(Promise);
    expect((hit as { enrollmentId: string }).enrollmentId).toBe('e-AAAA2222');
    expect(asked).toEqual(['AAAA2222']);
  });

  it('remembers unknown codes briefly, in a bounded map apart from the known ones', async () => {
    let now = 0;
    const { fn, asked } = source({ KNOWN222: row('KNOWN222') });
    const cache = new ShareCodeCache(fn, { maxMisses: 3, missTtlMs: 1000, now: () => now });
    await cache.get('KNOWN222');
    for (const code of ['NOPE2222', 'NOPE3333', 'NOPE4444', 'NOPE5555']) expect(await cache.get(code)).toBeNull();
    expect(cache.size).toEqual({ entries: 1, misses: 3 });
    expect(cache.get('NOPE5555')).toBeNull(); // cached
    expect(cache.get('NOPE2222')).toBeInstanceOf(Promise); // evicted, oldest first
    now = 2000;
    expect(cache.get('NOPE5555')).toBeInstanceOf(Promise); // expired
    expect(cache.peek('KNOWN222')).toBeTruthy();
    expect(asked.filter((c) => c === 'KNOWN222')).toHaveLength(1);
  });

  it('bounds the known codes and expires them after the TTL', async () => {
    let now = 0;
    const known = Object.fromEntries(['AAAA2222', 'BBBB2222', 'CCCC2222'].map((c) => [c, row(c)]));
    const cache = new ShareCodeCache(source(known).fn, { maxEntries: 2, ttlMs: 100, now: () => now });
    for (const c of Object.keys(known)) await cache.get(c);
    expect(cache.peek('AAAA2222')).toBeUndefined();
    expect(cache.peek('CCCC2222')).toBeTruthy();
    now = 101;
    expect(cache.peek('CCCC2222')).toBeUndefined();
  });

  it('forgets a code, an enrollment or a campaign on invalidation, even mid-lookup', async () => {
    const known = { AAAA2222: row('AAAA2222', { campaignId: 'c1' }), BBBB2222: row('BBBB2222', { campaignId: 'c2' }) };
    const cache = new ShareCodeCache(source(known).fn);
    await cache.get('AAAA2222');
    await cache.get('BBBB2222');
    cache.invalidateEnrollment('e-AAAA2222');
    expect(cache.peek('AAAA2222')).toBeUndefined();
    expect(cache.peek('BBBB2222')).toBeTruthy();
    cache.invalidateCampaign('c2');
    expect(cache.peek('BBBB2222')).toBeUndefined();
    // A lookup that started before a suspension must not store the stale answer.
    const pending = cache.get('AAAA2222');
    cache.invalidate('AAAA2222');
    await pending;
    expect(cache.peek('AAAA2222')).toBeUndefined();
  });

  it('a request after an invalidation does not join a lookup that began before it', async () => {
    // The database answers by hand: first the row as it was, then the suspended one.
    const answers: ((value: ReturnType<typeof row>) => void)[] = [];
    const cache = new ShareCodeCache(() => new Promise((resolve) => answers.push(resolve)));
    const before = cache.get('AAAA2222');
    cache.invalidateEnrollment('e-AAAA2222');
    const after = cache.get('AAAA2222');
    expect(answers).toHaveLength(2);
    answers[0]!(row('AAAA2222'));
    expect((await before)?.active).toBe(true);
    // The older lookup ending first leaves the newer one to be joined.
    const joining = cache.get('AAAA2222');
    expect(answers).toHaveLength(2);
    answers[1]!(row('AAAA2222', { active: false }));
    expect((await after)?.active).toBe(false);
    expect((await joining)?.active).toBe(false);
    expect(cache.peek('AAAA2222')?.active).toBe(false);
  });

  it('a destination that does not parse leads nowhere', async () => {
    const cache = new ShareCodeCache(source({ AAAA2222: row('AAAA2222', { destinationUrl: 'not a url' }) }).fn);
    expect((await cache.get('AAAA2222'))!.active).toBe(false);
  });

  describe('the Location', () => {
    const ids = ['0193a8f0-7c1e-7a2b-9c3d-4e5f60718293', '5b0e2c1a-3d4f-4a6b-8c9d-0e1f2a3b4c5d'] as const;

    it('keeps the destination query as written and its fragment last', () => {
      const t = parseTarget('https://shop.example/p?q=a%20b&x=1#frag');
      expect(locationFor(t, null, ...ids)).toBe(`https://shop.example/p?q=a%20b&x=1&sorae_click=${ids[0]}&sorae_vid=${ids[1]}#frag`);
    });

    it('replaces stale sorae ids baked into the destination', () => {
      const t = parseTarget('https://shop.example/?sorae_click=old&sorae_vid=old&ref=x');
      expect(locationFor(t, null, ...ids)).toBe(`https://shop.example/?ref=x&sorae_click=${ids[0]}&sorae_vid=${ids[1]}`);
    });

    it('incoming utm values win over the destination ones, and are encoded', () => {
      const t = parseTarget('https://shop.example/?utm_source=site&ref=x');
      const loc = new URL(
        locationFor(
          t,
          [
            ['utm_source', 'news & letters'],
            ['utm_id', '7'],
          ],
          ...ids,
        ),
      );
      expect([...loc.searchParams]).toEqual([
        ['ref', 'x'],
        ['utm_source', 'news & letters'],
        ['utm_id', '7'],
        ['sorae_click', ids[0]],
        ['sorae_vid', ids[1]],
      ]);
    });
  });
});
