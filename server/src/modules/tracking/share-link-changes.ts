import { isUuid } from '../../ids.js';
import type { Logger } from '../../logger.js';

/** Links whose answer may have changed: every share link of an enrollment, or of a campaign. */
export interface ShareLinkChange {
  kind: 'enrollment' | 'campaign';
  id: string;
}

/**
 * The PostgreSQL channel share-link changes are announced on: by triggers on `enrollment` and
 * `campaign` (see the migration that creates `share_link_changed`), so at commit and whoever
 * writes, as `<kind>:<id>`. Every server process hears them through its `PgListener`, so a
 * suspension or a paused campaign stops the link in every process at once rather than after the
 * cache's TTL, which bounds staleness while a process's listener is down.
 */
export const SHARE_LINK_CHANNEL = 'sorae_share_links';

/** The change a notification carries, or null for anything else on the channel. */
export function decodeShareLinkChange(payload: string | undefined): ShareLinkChange | null {
  const [kind, id, ...rest] = (payload ?? '').split(':');
  if (rest.length || !id || !isUuid(id) || (kind !== 'enrollment' && kind !== 'campaign')) return null;
  return { kind, id };
}

/** The channel's handler: each well-formed change goes to `onChange`; anything else is logged and ignored. */
export function shareLinkHandler(onChange: (change: ShareLinkChange) => void, log: Logger): (payload: string) => void {
  return (payload) => {
    const change = decodeShareLinkChange(payload);
    if (!change) log.warn({ payload }, 'share-link changes: ignored a malformed notification');
    else onChange(change);
  };
}
