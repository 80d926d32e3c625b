import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../../ids.js';
import { SecretsBox, SecretsBoxError } from '../../secrets-box.js';
import { newToken } from '../auth/index.js';

/** How long a rotated-out secret keeps verifying. */
export const PREVIOUS_SECRET_MS = 24 * 3600_000;

/** A merchant's secrets: the current one, and the one it replaced until that expires. */
export interface MerchantSecrets {
  secret: string;
  previous: { secret: string; expiresAt: Date } | null;
  cached: boolean;
}

/** How long a process trusts its cached copy of a merchant's webhook secret. */
export const SECRET_CACHE_MS = 10_000;

/** What a merchant's sealed webhook secret is bound to: it opens in that merchant's row only. */
const webhookSecretContext = (merchantId: string) => `order-webhook-secret:${merchantId}`;

/** Each merchant's order-webhook secret: rotated by its owner, sealed at rest, cached for verification. */
export class OrderWebhookSecrets {
  private readonly secrets = new Map<string, Omit<MerchantSecrets, 'cached'> & { at: number }>();

  /** Seals the secrets at rest: verification needs them back, so they cannot be hashed. */
  constructor(private readonly box: SecretsBox) {}

  /**
   * A new order-webhook secret, the only time it is shown. The one it replaces keeps verifying
   * for PREVIOUS_SECRET_MS, so a store can switch over without losing orders.
   */
  async rotate(em: EntityManager, merchantId: string, now: Date): Promise<string> {
    const secret = newToken('whsec_');
    await em.execute(
      `insert into order_webhook_secret (merchant_id, secret, rotated_at) values (?, ?, ?)
       on conflict (merchant_id) do update set secret = excluded.secret, rotated_at = excluded.rotated_at,
         previous_secret = order_webhook_secret.secret, previous_expires_at = ?`,
      [merchantId, this.box.seal(secret, webhookSecretContext(merchantId)), now, new Date(now.getTime() + PREVIOUS_SECRET_MS)],
      'run',
    );
    this.secrets.delete(merchantId);
    return secret;
  }

  /**
   * For signature verification only. Cached per process for SECRET_CACHE_MS; a signature that
   * fails against a cached secret is checked again against the stored one (`fresh`), so a
   * rotation made by another process is picked up at once. `previous` is the secret the last
   * rotation replaced, which verifies until its `expiresAt`.
   */
  async get(em: EntityManager, merchantId: string, now = Date.now(), fresh = false): Promise<MerchantSecrets | null> {
    if (!isUuid(merchantId)) return null;
    const hit = this.secrets.get(merchantId);
    if (hit && !fresh && now - hit.at < SECRET_CACHE_MS) return { secret: hit.secret, previous: hit.previous, cached: true };
    const [row] = await em.execute<{ secret: string; previous_secret: string | null; previous_expires_at: Date | null }[]>(
      `select secret, previous_secret, previous_expires_at from order_webhook_secret where merchant_id = ?`,
      [merchantId],
    );
    if (!row) {
      this.secrets.delete(merchantId);
      return null;
    }
    const context = webhookSecretContext(merchantId);
    const secret = this.box.open(row.secret, context);
    const previous =
      row.previous_secret && row.previous_expires_at
        ? { secret: this.box.open(row.previous_secret, context), expiresAt: new Date(row.previous_expires_at) }
        : null;
    if (this.secrets.size > 10_000) this.secrets.clear();
    this.secrets.set(merchantId, { secret, previous, at: now });
    return { secret, previous, cached: false };
  }

  /**
   * At start-up: seals with the current SECRETS_KEY every stored secret that is not sealed with
   * it (plaintext rows from before secrets were sealed, and rows sealed with
   * SECRETS_KEY_PREVIOUS). Idempotent, and safe with several processes starting at once (each
   * row is replaced only if it still holds what was read). A row sealed with a key this process
   * does not hold stops the start, naming that key, before anything is changed.
   */
  async resealAll(em: EntityManager): Promise<number> {
    const stored = await em.execute<{ merchant_id: string; secret: string; previous_secret: string | null }[]>(
      `select merchant_id, secret, previous_secret from order_webhook_secret`,
    );
    // Each sealed value on its own: the current secret and, within its 24 hours, the one it replaced.
    const rows = stored.flatMap((r) => [
      { merchant_id: r.merchant_id, column: 'secret' as const, secret: r.secret },
      ...(r.previous_secret ? [{ merchant_id: r.merchant_id, column: 'previous_secret' as const, secret: r.previous_secret }] : []),
    ]);
    const stale = rows.filter((r) => !this.box.isCurrent(r.secret));
    const unknown = new Map<string, number>();
    const resealed = stale.flatMap((r) => {
      const context = webhookSecretContext(r.merchant_id);
      try {
        const plain = SecretsBox.isSealed(r.secret) ? this.box.open(r.secret, context) : r.secret;
        return [{ ...r, sealed: this.box.seal(plain, context) }];
      } catch (e) {
        if (!(e instanceof SecretsBoxError) || !e.unknownKeyId) throw e;
        unknown.set(e.unknownKeyId, (unknown.get(e.unknownKeyId) ?? 0) + 1);
        return [];
      }
    });
    if (unknown.size) {
      const which = [...unknown].map(([id, n]) => `${n} sealed with key ${id}`).join(', ');
      throw new Error(
        `Order-webhook secrets cannot be opened (${which}); this process holds SECRETS_KEY (${this.box.keyId}) and SECRETS_KEY_PREVIOUS only. ` +
          "Set SECRETS_KEY_PREVIOUS to the key they were sealed with; if that key is lost, delete those merchants' order_webhook_secret rows and have them rotate their secret.",
      );
    }
    for (const r of resealed) {
      await em.execute(`update order_webhook_secret set ${r.column} = ? where merchant_id = ? and ${r.column} = ?`, [r.sealed, r.merchant_id, r.secret], 'run');
    }
    return resealed.length;
  }
}
