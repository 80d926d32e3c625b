import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids.js';
import { decodeShareLinkChange, encodeShareLinkChange } from './share-link-changes.js';

describe('share-link change notifications', () => {
  it('carry an enrollment or a campaign id, and read back as sent', () => {
    const id = uuidv7();
    for (const kind of ['enrollment', 'campaign'] as const) expect(decodeShareLinkChange(encodeShareLinkChange({ kind, id }))).toEqual({ kind, id });
  });

  it('anything else on the channel is ignored', () => {
    const id = uuidv7();
    for (const payload of [undefined, '', 'enrollment', `merchant:${id}`, 'campaign:not-a-uuid', `campaign:${id}:extra`, `${id}`]) {
      expect(decodeShareLinkChange(payload), String(payload)).toBeNull();
    }
  });
});
