import { randomBytes } from 'node:crypto';
import { executionError, invalidParam, messageForCode, missingParam, noSuchResource, unknownParam } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import type { Change } from './journal.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Stripe-looking ids: `tr_1` + 23 base62 characters. */
export function stripeId(prefix: string, length = 24): string {
  let s = '1';
  for (const b of randomBytes(length - 1)) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
}

export type Metadata = Record<string, string>;
type CapabilityStatus = 'active' | 'inactive' | 'pending';

export interface Account {
  id: string;
  object: 'account';
  business_profile: { name: string | null; url: string | null; mcc: string | null; product_description: string | null };
  business_type: string | null;
  capabilities: Record<string, CapabilityStatus>;
  charges_enabled: boolean;
  country: string;
  created: number;
  default_currency: string;
  details_submitted: boolean;
  email: string | null;
  external_accounts: { object: 'list'; data: unknown[]; has_more: false; total_count: number; url: string };
  metadata: Metadata;
  payouts_enabled: boolean;
  requirements: {
    currently_due: string[];
    eventually_due: string[];
    past_due: string[];
    pending_verification: string[];
    disabled_reason: string | null;
    current_deadline: number | null;
    errors: unknown[];
  };
  type: 'express' | 'custom' | 'standard';
}

export interface AccountLink {
  object: 'account_link';
  created: number;
  expires_at: number;
  url: string;
}

export interface TransferReversal {
  id: string;
  object: 'transfer_reversal';
  amount: number;
  balance_transaction: string;
  created: number;
  currency: string;
  destination_payment_refund: string;
  metadata: Metadata;
  source_refund: null;
  transfer: string;
}

export interface Transfer {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  created: number;
  currency: string;
  description: string | null;
  destination: string;
  destination_payment: string;
  livemode: false;
  metadata: Metadata;
  reversals: { object: 'list'; data: TransferReversal[]; has_more: boolean; total_count: number; url: string };
  reversed: boolean;
  source_transaction: string | null;
  source_type: 'card';
  transfer_group: string | null;
}

export interface LinkState {
  token: string;
  account: string;
  refreshUrl: string;
  returnUrl: string;
  expiresAt: number;
  used: boolean;
}

/** What a state change must announce as a webhook event. */
export interface Emitted {
  type: string;
  object: unknown;
  account?: string;
  previous?: Record<string, unknown>;
  /** A sales account's event (sales.ts): delivered to that account's webhook endpoints. */
  scope?: string;
}

// ---- parameter helpers: Stripe's validation messages ----

export function allowOnly(params: FormParams, allowed: readonly string[]): void {
  for (const k of Object.keys(params)) if (k !== 'expand' && !allowed.includes(k)) throw unknownParam(k);
}

export function str(params: FormParams, name: string, required: true): string;
export function str(params: FormParams, name: string, required?: false): string | undefined;
export function str(params: FormParams, name: string, required = false): string | undefined {
  const v = params[name];
  if (v === undefined || v === '') {
    if (required) throw missingParam(name);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidParam('parameter_invalid_string', `Invalid string: ${JSON.stringify(v)}`, name);
  return v;
}

export function int(params: FormParams, name: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  const v = opts.required ? str(params, name, true) : str(params, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidParam('parameter_invalid_integer', `Invalid integer: ${v}`, name);
  const n = Number(v);
  if (opts.min !== undefined && n < opts.min) throw invalidParam('parameter_invalid_integer', `This value must be greater than or equal to ${opts.min}.`, name);
  if (opts.max !== undefined && n > opts.max) throw invalidParam('parameter_invalid_integer', `This value must be less than or equal to ${opts.max}.`, name);
  return n;
}

function bool(v: FormValue | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidParam('parameter_invalid_boolean', `Invalid boolean: ${JSON.stringify(v)}`, name);
}

/** Stripe's metadata rules; `''` unsets a key on update. */
export function applyMetadata(target: Metadata, v: FormValue | undefined): Metadata {
  if (v === undefined) return target;
  if (v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam('parameter_invalid_metadata', 'Invalid metadata: must be a hash', 'metadata');
  const out = { ...target };
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw invalidParam('parameter_invalid_metadata', `Invalid metadata value for key ${k}`, `metadata[${k}]`);
    if (k.length > 40) throw invalidParam('parameter_invalid_metadata', 'Metadata keys can have up to 40 characters.', `metadata[${k}]`);
    if (val.length > 500) throw invalidParam('parameter_invalid_metadata', 'Metadata values can have up to 500 characters.', `metadata[${k}]`);
    if (val === '') delete out[k];
    else out[k] = val;
  }
  if (Object.keys(out).length > 50) throw invalidParam('parameter_invalid_metadata', 'You can have up to 50 metadata keys.', 'metadata');
  return out;
}

/** Lists newest first, cursor by id, exactly Stripe's `limit`/`starting_after`/`ending_before`. */
export function paginate<T extends { id: string }>(all: T[], params: FormParams, url: string) {
  const limit = int(params, 'limit', { min: 1, max: 100 }) ?? 10;
  const after = str(params, 'starting_after');
  const before = str(params, 'ending_before');
  if (after && before)
    throw invalidParam('parameters_exclusive', 'You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  let data: T[];
  let hasMore: boolean;
  if (after) {
    const i = all.findIndex((x) => x.id === after);
    if (i < 0) throw invalidParam('resource_missing', `No such object: '${after}'`, 'starting_after');
    data = all.slice(i + 1, i + 1 + limit);
    hasMore = i + 1 + limit < all.length;
  } else if (before) {
    const i = all.findIndex((x) => x.id === before);
    if (i < 0) throw invalidParam('resource_missing', `No such object: '${before}'`, 'ending_before');
    const start = Math.max(0, i - limit);
    data = all.slice(start, i);
    hasMore = start > 0;
  } else {
    data = all.slice(0, limit);
    hasMore = limit < all.length;
  }
  return { object: 'list' as const, data, has_more: hasMore, url };
}
export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before'];

/** `created=123` or `created[gte]=…&created[lt]=…`. */
function createdFilter(v: FormValue | undefined): (created: number) => boolean {
  if (v === undefined) return () => true;
  const num = (x: FormValue | undefined, p: string) => {
    if (x === undefined) return undefined;
    if (typeof x !== 'string' || !/^\d+$/.test(x)) throw invalidParam('parameter_invalid_integer', `Invalid integer: ${JSON.stringify(x)}`, p);
    return Number(x);
  };
  if (typeof v === 'string') {
    const eq = num(v, 'created')!;
    return (c) => c === eq;
  }
  if (Array.isArray(v)) throw invalidParam('parameter_invalid_integer', 'Invalid created filter', 'created');
  for (const k of Object.keys(v)) if (!['gt', 'gte', 'lt', 'lte'].includes(k)) throw unknownParam(`created[${k}]`);
  const gt = num(v.gt, 'created[gt]');
  const gte = num(v.gte, 'created[gte]');
  const lt = num(v.lt, 'created[lt]');
  const lte = num(v.lte, 'created[lte]');
  return (c) => (gt === undefined || c > gt) && (gte === undefined || c >= gte) && (lt === undefined || c < lt) && (lte === undefined || c <= lte);
}

/**
 * The emulator's Stripe state: accounts, links, transfers, the platform balance. Every change is
 * passed to `record` as the new value of what changed (the journal keeps them on disk), and
 * `restore` applies such a change again after a restart.
 */
export class StripeState {
  readonly accounts = new Map<string, Account>();
  private readonly deauthorized = new Set<string>();
  readonly links = new Map<string, LinkState>();
  /** Oldest first; lists reverse it. */
  readonly transfers: Transfer[] = [];
  private readonly transfersById = new Map<string, Transfer>();
  readonly transferKeys = new Map<string, string | null>();
  balance: Map<string, number>;

  constructor(
    private readonly initialBalance: Record<string, number>,
    private readonly now: () => number,
    private readonly record: (change: Change) => void = () => {},
  ) {
    this.balance = new Map(Object.entries(initialBalance).map(([c, a]) => [c.toLowerCase(), a]));
  }

  restore(c: Change): void {
    if (c.kind === 'account') this.accounts.set(c.account.id, c.account);
    else if (c.kind === 'deauthorized') this.deauthorized.add(c.id);
    else if (c.kind === 'link') this.links.set(c.link.token, c.link);
    else if (c.kind === 'balance') this.balance.set(c.currency, c.amount);
    else if (c.kind === 'transfer') {
      const known = this.transfersById.get(c.transfer.id);
      if (known) Object.assign(known, c.transfer);
      else {
        this.transfers.push(c.transfer);
        this.transfersById.set(c.transfer.id, c.transfer);
      }
      this.transferKeys.set(c.transfer.id, c.idempotencyKey);
    }
  }

  /** The whole state as changes, for a journal snapshot. */
  snapshot(): Change[] {
    return [
      ...[...this.accounts.values()].map((account): Change => ({ kind: 'account', account })),
      ...[...this.deauthorized].map((id): Change => ({ kind: 'deauthorized', id })),
      ...[...this.links.values()].map((link): Change => ({ kind: 'link', link })),
      ...this.transfers.map((transfer): Change => ({ kind: 'transfer', transfer, idempotencyKey: this.transferKeys.get(transfer.id) ?? null })),
      ...[...this.balance].map(([currency, amount]): Change => ({ kind: 'balance', currency, amount })),
    ];
  }

  private setBalance(currency: string, amount: number): void {
    this.balance.set(currency, amount);
    this.record({ kind: 'balance', currency, amount });
  }

  private saveTransfer(t: Transfer): void {
    this.record({ kind: 'transfer', transfer: t, idempotencyKey: this.transferKeys.get(t.id) ?? null });
  }

  private sec(): number {
    return Math.floor(this.now() / 1000);
  }

  reset(): void {
    this.accounts.clear();
    this.deauthorized.clear();
    this.links.clear();
    this.transfers.length = 0;
    this.transfersById.clear();
    this.transferKeys.clear();
    this.balance = new Map(Object.entries(this.initialBalance).map(([c, a]) => [c.toLowerCase(), a]));
  }

  getAccount(id: string): Account {
    const a = this.accounts.get(id);
    if (!a || this.deauthorized.has(id)) throw noSuchResource('account', id, 'account');
    return a;
  }

  createAccount(params: FormParams): Account {
    allowOnly(params, ['type', 'email', 'country', 'capabilities', 'metadata', 'business_type', 'business_profile', 'default_currency', 'controller']);
    const type = str(params, 'type') ?? 'express';
    if (!['express', 'custom', 'standard'].includes(type))
      throw invalidParam('parameter_invalid_string', `Invalid type: must be one of custom, express, or standard`, 'type');
    const capabilities = this.requestedCapabilities(params.capabilities);
    if (Object.keys(capabilities).length === 0) capabilities.transfers = 'inactive';
    const profile = params.business_profile;
    const account: Account = {
      id: stripeId('acct', 17),
      object: 'account',
      business_profile: {
        name: profileField(profile, 'name'),
        url: profileField(profile, 'url'),
        mcc: profileField(profile, 'mcc'),
        product_description: profileField(profile, 'product_description'),
      },
      business_type: str(params, 'business_type') ?? null,
      capabilities,
      charges_enabled: false,
      country: str(params, 'country') ?? 'US',
      created: this.sec(),
      default_currency: (str(params, 'default_currency') ?? 'usd').toLowerCase(),
      details_submitted: false,
      email: str(params, 'email') ?? null,
      external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
      metadata: applyMetadata({}, params.metadata),
      payouts_enabled: false,
      requirements: {
        currently_due: ['business_type', 'external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        eventually_due: ['business_type', 'external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        past_due: ['business_type', 'external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        pending_verification: [],
        disabled_reason: 'requirements.past_due',
        current_deadline: null,
        errors: [],
      },
      type: type as Account['type'],
    };
    account.external_accounts.url = `/v1/accounts/${account.id}/external_accounts`;
    this.accounts.set(account.id, account);
    this.record({ kind: 'account', account });
    return clone(account);
  }

  private requestedCapabilities(v: FormValue | undefined, existing: Record<string, CapabilityStatus> = {}): Record<string, CapabilityStatus> {
    const out = { ...existing };
    if (v === undefined) return out;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam('parameter_invalid_hash', 'Invalid hash', 'capabilities');
    for (const [name, spec] of Object.entries(v)) {
      const requested = bool(typeof spec === 'object' && !Array.isArray(spec) ? spec.requested : undefined, `capabilities[${name}][requested]`);
      if (requested === true && !out[name]) out[name] = 'inactive';
      if (requested === false) delete out[name];
    }
    return out;
  }

  updateAccount(id: string, params: FormParams): { account: Account; emitted: Emitted[] } {
    allowOnly(params, ['email', 'metadata', 'capabilities', 'business_profile', 'business_type', 'default_currency']);
    const account = this.getAccount(id);
    const previous = clone(account);
    const email = str(params, 'email');
    if (email !== undefined) account.email = email;
    account.metadata = applyMetadata(account.metadata, params.metadata);
    account.capabilities = this.requestedCapabilities(params.capabilities, account.capabilities);
    if (account.capabilities.transfers === 'inactive' && account.details_submitted) account.capabilities.transfers = 'active';
    const bt = str(params, 'business_type');
    if (bt !== undefined) account.business_type = bt;
    this.record({ kind: 'account', account });
    return { account: clone(account), emitted: [accountUpdated(account, previous)] };
  }

  createAccountLink(params: FormParams, baseUrl: string): AccountLink {
    allowOnly(params, ['account', 'refresh_url', 'return_url', 'type', 'collect', 'collection_options']);
    const accountId = str(params, 'account', true);
    const type = str(params, 'type', true);
    if (type !== 'account_onboarding' && type !== 'account_update')
      throw invalidParam('parameter_invalid_string', 'Invalid type: must be one of account_onboarding or account_update', 'type');
    const refreshUrl = str(params, 'refresh_url', true);
    const returnUrl = str(params, 'return_url', true);
    for (const [p, u] of [
      ['refresh_url', refreshUrl],
      ['return_url', returnUrl],
    ] as const)
      if (!URL.canParse(u)) throw invalidParam('url_invalid', `Not a valid URL`, p);
    this.getAccount(accountId);
    const token = stripeId('link', 25).slice(5);
    const created = this.sec();
    const link: LinkState = { token, account: accountId, refreshUrl, returnUrl, expiresAt: created + 300, used: false };
    this.links.set(token, link);
    this.record({ kind: 'link', link });
    return { object: 'account_link', created, expires_at: link.expiresAt, url: `${baseUrl}/_emulator/onboard/${token}` };
  }

  /** Opening an onboarding link: single use and expiring, like Stripe's (else refresh_url). */
  openLink(token: string): { redirect: string; emitted: Emitted[] } | null {
    const link = this.links.get(token);
    if (!link) return null;
    if (link.used || this.sec() >= link.expiresAt) return { redirect: link.refreshUrl, emitted: [] };
    link.used = true;
    this.record({ kind: 'link', link });
    return { redirect: link.returnUrl, emitted: this.enable(link.account) };
  }

  /** Onboarding finished: the account can receive transfers. */
  enable(id: string): Emitted[] {
    const account = this.getAccount(id);
    const previous = clone(account);
    account.details_submitted = true;
    account.payouts_enabled = true;
    account.charges_enabled = true;
    for (const k of Object.keys(account.capabilities)) account.capabilities[k] = 'active';
    account.capabilities.transfers = 'active';
    account.requirements = { ...account.requirements, currently_due: [], eventually_due: [], past_due: [], disabled_reason: null };
    this.record({ kind: 'account', account });
    return [accountUpdated(account, previous)];
  }

  /** Stripe restricting an account (e.g. verification past due): no payouts, no transfers. */
  restrict(id: string): Emitted[] {
    const account = this.getAccount(id);
    const previous = clone(account);
    account.payouts_enabled = false;
    account.charges_enabled = false;
    account.capabilities.transfers = 'inactive';
    account.requirements = {
      ...account.requirements,
      currently_due: ['individual.verification.document'],
      past_due: ['individual.verification.document'],
      disabled_reason: 'requirements.past_due',
    };
    this.record({ kind: 'account', account });
    return [accountUpdated(account, previous)];
  }

  /** The affiliate disconnected the platform: the account is gone for us. */
  deauthorize(id: string): Emitted[] {
    this.getAccount(id);
    this.deauthorized.add(id);
    this.record({ kind: 'deauthorized', id });
    return [{ type: 'account.application.deauthorized', account: id, object: { id: stripeId('ca', 25), object: 'application', name: 'Sorae Affiliates' } }];
  }

  createTransfer(params: FormParams, idempotencyKey: string | null, keyHintText: string): { transfer: Transfer; emitted: Emitted[] } {
    allowOnly(params, ['amount', 'currency', 'destination', 'transfer_group', 'metadata', 'description', 'source_transaction', 'source_type']);
    const amount = int(params, 'amount', { required: true, min: 1 })!;
    const currency = str(params, 'currency', true).toLowerCase();
    const destination = str(params, 'destination', true);
    const metadata = applyMetadata({}, params.metadata);
    const description = str(params, 'description') ?? null;
    const transferGroup = str(params, 'transfer_group') ?? null;
    // From here on the request executes: its failures are saved under the idempotency key.
    const account = this.accounts.get(destination);
    if (!account) throw executionError('resource_missing', `No such destination: '${destination}'`, 'destination');
    if (this.deauthorized.has(destination)) {
      const m = messageForCode('account_invalid', { destination, keyHint: keyHintText });
      throw executionError('account_invalid', m.message, m.param);
    }
    if (account.capabilities.transfers !== 'active') {
      const m = messageForCode('insufficient_capabilities_for_transfer', {});
      throw executionError('insufficient_capabilities_for_transfer', m.message, m.param);
    }
    const available = this.balance.get(currency) ?? 0;
    if (available < amount) throw executionError('balance_insufficient', messageForCode('balance_insufficient', {}).message);
    this.setBalance(currency, available - amount);
    const id = stripeId('tr');
    const transfer: Transfer = {
      id,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: stripeId('txn'),
      created: this.sec(),
      currency,
      description,
      destination,
      destination_payment: stripeId('py'),
      livemode: false,
      metadata,
      reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
      reversed: false,
      source_transaction: str(params, 'source_transaction') ?? null,
      source_type: 'card',
      transfer_group: transferGroup,
    };
    this.transfers.push(transfer);
    this.transfersById.set(id, transfer);
    this.transferKeys.set(id, idempotencyKey);
    this.saveTransfer(transfer);
    return { transfer: clone(transfer), emitted: [{ type: 'transfer.created', object: clone(transfer) }] };
  }

  getTransfer(id: string): Transfer {
    const t = this.transfersById.get(id);
    if (!t) throw noSuchResource('transfer', id);
    return clone(t);
  }

  listTransfers(params: FormParams) {
    allowOnly(params, ['destination', 'transfer_group', 'created', ...LIST_PARAMS]);
    const destination = str(params, 'destination');
    const group = str(params, 'transfer_group');
    const created = createdFilter(params.created);
    const matching = [...this.transfers]
      .reverse()
      .filter((t) => (!destination || t.destination === destination) && (!group || t.transfer_group === group) && created(t.created));
    // Clone only the page: reconciliation lists run against thousands of transfers.
    const page = paginate(matching, params, '/v1/transfers');
    return { ...page, data: page.data.map(clone) };
  }

  updateTransfer(id: string, params: FormParams): Transfer {
    allowOnly(params, ['metadata', 'description']);
    const t = this.transfersById.get(id);
    if (!t) throw noSuchResource('transfer', id);
    t.metadata = applyMetadata(t.metadata, params.metadata);
    const d = str(params, 'description');
    if (d !== undefined) t.description = d;
    this.saveTransfer(t);
    return clone(t);
  }

  createReversal(id: string, params: FormParams): { reversal: TransferReversal; emitted: Emitted[] } {
    allowOnly(params, ['amount', 'description', 'metadata', 'refund_application_fee']);
    const t = this.transfersById.get(id);
    if (!t) throw noSuchResource('transfer', id);
    const remaining = t.amount - t.amount_reversed;
    const amount = int(params, 'amount', { min: 1 }) ?? remaining;
    const metadata = applyMetadata({}, params.metadata);
    if (remaining === 0) throw executionError('transfer_already_reversed', `Transfer ${id} has already been fully reversed.`, undefined);
    if (amount > remaining)
      throw executionError(
        'parameter_invalid_integer',
        `Refund amount (${amount}) is greater than the unreversed amount of the transfer (${remaining}).`,
        'amount',
      );
    const reversal: TransferReversal = {
      id: stripeId('trr'),
      object: 'transfer_reversal',
      amount,
      balance_transaction: stripeId('txn'),
      created: this.sec(),
      currency: t.currency,
      destination_payment_refund: stripeId('pyr'),
      metadata,
      source_refund: null,
      transfer: id,
    };
    const previous = { amount_reversed: t.amount_reversed, reversed: t.reversed };
    t.amount_reversed += amount;
    t.reversed = t.amount_reversed === t.amount;
    t.reversals.data.unshift(reversal);
    t.reversals.total_count++;
    this.setBalance(t.currency, (this.balance.get(t.currency) ?? 0) + amount);
    this.saveTransfer(t);
    // Stripe sends transfer.reversed for partial reversals too (then `reversed` stays false).
    return { reversal: clone(reversal), emitted: [{ type: 'transfer.reversed', object: clone(t), previous }] };
  }

  listReversals(id: string, params: FormParams) {
    allowOnly(params, LIST_PARAMS);
    const t = this.transfersById.get(id);
    if (!t) throw noSuchResource('transfer', id);
    return paginate(t.reversals.data.map(clone), params, `/v1/transfers/${id}/reversals`);
  }

  getBalance() {
    const currencies = [...this.balance.keys()].sort();
    return {
      object: 'balance' as const,
      available: currencies.map((c) => ({ amount: this.balance.get(c)!, currency: c, source_types: { card: this.balance.get(c)! } })),
      connect_reserved: currencies.map((c) => ({ amount: 0, currency: c })),
      livemode: false,
      pending: currencies.map((c) => ({ amount: 0, currency: c, source_types: { card: 0 } })),
    };
  }

  /** Test helper: top the platform balance up (or down). */
  adjustBalance(currency: string, delta: number): void {
    const c = currency.toLowerCase();
    this.setBalance(c, (this.balance.get(c) ?? 0) + delta);
  }
}

function profileField(profile: FormValue | undefined, name: string): string | null {
  if (!profile || typeof profile !== 'object' || Array.isArray(profile)) return null;
  const v = profile[name];
  return typeof v === 'string' ? v : null;
}

function accountUpdated(account: Account, previous: Account): Emitted {
  const changed: Record<string, unknown> = {};
  for (const k of Object.keys(account) as (keyof Account)[]) if (JSON.stringify(account[k]) !== JSON.stringify(previous[k])) changed[k] = previous[k];
  return { type: 'account.updated', account: account.id, object: clone(account), previous: changed };
}

const clone = <T>(v: T): T => structuredClone(v);
