import { describe, expect, it } from 'vitest';
import { canonicalParams, decodeForm } from './form.js';

describe('decodeForm', () => {
  it('decodes the bracket nesting the stripe SDK sends', () => {
    const body =
      'amount=1500&currency=usd&destination=acct_1&metadata[payout_item_id]=item%3A42&capabilities[transfers][requested]=true&expand[0]=destination&expand[1]=balance_transaction&description=a+b%20c';
    expect(decodeForm(body)).toEqual({
      amount: '1500',
      currency: 'usd',
      destination: 'acct_1',
      metadata: { payout_item_id: 'item:42' },
      capabilities: { transfers: { requested: 'true' } },
      expand: ['destination', 'balance_transaction'],
      description: 'a b c',
    });
  });

  it('accepts percent-encoded brackets and `[]` appends', () => {
    expect(decodeForm('metadata%5Bk%5D=v&ids[]=a&ids[]=b')).toEqual({ metadata: { k: 'v' }, ids: ['a', 'b'] });
  });

  it('never writes through __proto__', () => {
    const decoded = decodeForm('__proto__[polluted]=1&a[__proto__][x]=2&ok=1');
    expect(decoded).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('compares parameters independently of their order', () => {
    expect(canonicalParams(decodeForm('a=1&b[x]=2&b[y]=3'))).toBe(canonicalParams(decodeForm('b[y]=3&a=1&b[x]=2')));
    expect(canonicalParams(decodeForm('a=1'))).not.toBe(canonicalParams(decodeForm('a=2')));
  });
});
