import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { RequestTarget, Router } from './router.js';

const viaUrl = (raw: string) => {
  try {
    const url = new URL(raw, 'http://localhost');
    return { pathname: url.pathname, search: url.search };
  } catch {
    return null; // not a URL path: parse() must refuse it too
  }
};
const split = (raw: string) => {
  const target = RequestTarget.parse(raw);
  return target && { pathname: target.pathname, search: target.search };
};

describe('RequestTarget', () => {
  it('splits a target exactly as WHATWG URL parsing does (and refuses what it refuses)', () => {
    // The plain characters and, rarer, ones that must go through URL parsing (dots, escapes,
    // backslashes, quotes, a fragment, spaces, non-ASCII), so both paths and the handoff are tried.
    const tricky = [...'.%2eE#?\\\'" \té'];
    const pathChar = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...'abcXYZ019_-/') }, { weight: 1, arbitrary: fc.constantFrom(...tricky) });
    const queryChar = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...'abZ09_-.~%=&+') }, { weight: 1, arbitrary: fc.constantFrom(...tricky) });
    fc.assert(
      fc.property(fc.string({ unit: pathChar }), fc.option(fc.string({ unit: queryChar })), (path, query) => {
        const raw = `/${path}${query === null ? '' : `?${query}`}`;
        expect(split(raw)).toEqual(viaUrl(raw));
      }),
      { numRuns: 2000 },
    );
  });

  it('normalizes anything else through URL parsing: dot segments, escapes, a leading //, spaces', () => {
    for (const raw of ['/r/../admin/', '/r/%41B', '//evil.example/x', '/a b?c d', '/r/x?utm_source=a"b', '/r\\x', '/r/x?']) {
      expect(split(raw)).toEqual(viaUrl(raw));
    }
  });

  it('splits a share link without building a URL', () => {
    vi.stubGlobal(
      'URL',
      class {
        constructor() {
          throw new Error('URL parsing used');
        }
      },
    );
    try {
      expect(split('/r/AB23CD')).toEqual({ pathname: '/r/AB23CD', search: '' });
      expect(split('/r/AB23CD?utm_source=news&utm_medium=e-mail')).toEqual({ pathname: '/r/AB23CD', search: '?utm_source=news&utm_medium=e-mail' });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('reads query parameters on demand', () => {
    expect(RequestTarget.parse('/r/x?utm_source=news&a=1+2')!.searchParams.get('a')).toBe('1 2');
    expect([...RequestTarget.parse('/r/x')!.searchParams]).toEqual([]);
  });

  it('refuses a target that is not a URL path', () => {
    expect(RequestTarget.parse('http://[::1')).toBeNull();
  });
});

describe('Router', () => {
  const router = new Router()
    .on('GET', '/r/:code', () => 'redirect')
    .on('POST', '/webhooks/orders', () => 'orders')
    .on('GET', '/admin/*', () => 'admin')
    .on('GET', '/campaigns/:slug/apply', () => 'apply')
    .on('GET', '/', () => 'root');
  const answer = (method: string, path: string) => {
    const route = router.match(method, path);
    return 'status' in route ? route.status : { name: route.handler({} as never, {} as never, route.params, RequestTarget.parse(path)!), params: route.params };
  };

  it('matches parameters, decoding escapes, and literals and prefixes', () => {
    expect(answer('GET', '/r/AB23')).toEqual({ name: 'redirect', params: { code: 'AB23' } });
    expect(answer('GET', '/r/A%42')).toEqual({ name: 'redirect', params: { code: 'AB' } });
    expect(answer('HEAD', '/r/AB23')).toEqual({ name: 'redirect', params: { code: 'AB23' } });
    expect(answer('POST', '/webhooks/orders')).toEqual({ name: 'orders', params: {} });
    expect(answer('GET', '/admin/commissions/1')).toEqual({ name: 'admin', params: {} });
    expect(answer('GET', '/admin')).toEqual({ name: 'admin', params: {} });
    expect(answer('GET', '/campaigns/spring/apply')).toEqual({ name: 'apply', params: { slug: 'spring' } });
    expect(answer('GET', '/')).toEqual({ name: 'root', params: {} });
  });

  it('answers 404 for an unknown path or a bad escape, 405 for a known path and another method', () => {
    expect(answer('GET', '/r/AB/extra')).toBe(404);
    expect(answer('GET', '/r/%E0%A4%A')).toBe(404);
    expect(answer('GET', '/nowhere')).toBe(404);
    expect(answer('GET', '/administrator')).toBe(404);
    expect(answer('GET', '/campaigns/spring/edit')).toBe(404);
    expect(answer('GET', '/webhooks/orders')).toBe(405);
  });
});
