import type { CampaignDetailsFragment, CampaignInput, CampaignStatus, CommissionDuration, CommissionType, IntakeFieldType } from '../../../gql/graphql';
import { bpsToInput, currencyDigits, inputToBps, inputToMinor, minorToInput } from '@sorae/web-shared';

/** The editor's state: what the inputs show, as typed (numbers stay text until saved). */
export interface IntakeFieldDraft {
  /** Local identity for React keys while rows move; never sent. */
  uid: string;
  key: string;
  label: string;
  type: IntakeFieldType;
  required: boolean;
  /** One option per line (SELECT, MULTISELECT). */
  options: string;
  min: string;
  max: string;
  helpText: string;
}

export interface CampaignDraft {
  name: string;
  slug: string;
  destinationUrl: string;
  currency: string;
  commissionType: CommissionType;
  ratePercent: string;
  flatAmount: string;
  duration: CommissionDuration;
  durationMonths: string;
  stripeCouponId: string;
  attributionWindowDays: string;
  holdDays: string;
  minPayout: string;
  payoutDayOfMonth: string;
  status: CampaignStatus;
  showRejectionReasonToApplicant: boolean;
  autoExecutePayouts: boolean;
  description: string;
  brandName: string;
  logoUrl: string;
  intakeFields: IntakeFieldDraft[];
}

export const INTAKE_FIELD_TYPES: readonly { value: IntakeFieldType; label: string }[] = [
  { value: 'TEXT', label: 'Text' },
  { value: 'TEXTAREA', label: 'Paragraph' },
  { value: 'NUMBER', label: 'Number' },
  { value: 'URL', label: 'URL' },
  { value: 'EMAIL', label: 'Email' },
  { value: 'SELECT', label: 'Single choice' },
  { value: 'MULTISELECT', label: 'Multiple choice' },
  { value: 'CHECKBOX', label: 'Checkbox' },
];

export const hasOptions = (t: IntakeFieldType) => t === 'SELECT' || t === 'MULTISELECT';
/** min/max: NUMBER bounds the value; TEXT/TEXTAREA the length; MULTISELECT the number of choices. */
export const hasBounds = (t: IntakeFieldType) => t === 'NUMBER' || t === 'TEXT' || t === 'TEXTAREA' || t === 'MULTISELECT';

let uidCounter = 0;
export const newUid = () => `f${++uidCounter}`;

export function newIntakeField(): IntakeFieldDraft {
  return { uid: newUid(), key: '', label: '', type: 'TEXT', required: false, options: '', min: '', max: '', helpText: '' };
}

export function emptyDraft(): CampaignDraft {
  return {
    name: '',
    slug: '',
    destinationUrl: '',
    currency: 'USD',
    commissionType: 'PERCENTAGE',
    ratePercent: '10',
    flatAmount: '',
    duration: 'ONCE',
    durationMonths: '12',
    stripeCouponId: '',
    attributionWindowDays: '30',
    holdDays: '30',
    minPayout: '0',
    payoutDayOfMonth: '1',
    status: 'ACTIVE',
    showRejectionReasonToApplicant: false,
    autoExecutePayouts: false,
    description: '',
    brandName: '',
    logoUrl: '',
    intakeFields: [],
  };
}

export function draftFromCampaign(c: CampaignDetailsFragment): CampaignDraft {
  return {
    name: c.name,
    slug: c.slug,
    destinationUrl: c.destinationUrl,
    currency: c.currency,
    commissionType: c.commission.type,
    ratePercent: c.commission.rateBps != null ? bpsToInput(c.commission.rateBps) : '',
    flatAmount: c.commission.amountMinor != null ? minorToInput(c.commission.amountMinor, c.currency) : '',
    duration: c.commission.duration,
    durationMonths: c.commission.durationMonths != null ? String(c.commission.durationMonths) : '12',
    stripeCouponId: c.stripeCouponId ?? '',
    attributionWindowDays: String(c.attributionWindowDays),
    holdDays: String(c.holdDays),
    minPayout: minorToInput(c.minPayoutMinor, c.currency),
    payoutDayOfMonth: String(c.payoutDayOfMonth),
    status: c.status,
    showRejectionReasonToApplicant: c.showRejectionReasonToApplicant,
    autoExecutePayouts: c.autoExecutePayouts,
    description: c.description,
    brandName: c.brandName ?? '',
    logoUrl: c.logoUrl ?? '',
    intakeFields: c.intakeFields.map((f) => ({
      uid: newUid(),
      key: f.key,
      label: f.label,
      type: f.type,
      required: f.required,
      options: f.options.join('\n'),
      min: f.min != null ? String(f.min) : '',
      max: f.max != null ? String(f.max) : '',
      helpText: f.helpText ?? '',
    })),
  };
}

/** Lowercase, dash-separated: "Summer Creators 2025" → "summer-creators-2025". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** A question's key from its label: "Audience size (followers)" → "audience_size_followers". */
export function keyFromLabel(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return key;
}

/** Two drafts hold the same values (the form has unsaved edits when they differ). */
export function sameDraft(a: CampaignDraft, b: CampaignDraft): boolean {
  const values = (d: CampaignDraft) => JSON.stringify({ ...d, intakeFields: d.intakeFields.map(({ uid: _uid, ...f }) => f) });
  return values(a) === values(b);
}

export type DraftErrors = Record<string, string>;

/**
 * The draft as the API's input, or the fields that cannot be read (same paths as the server's
 * `fieldErrors`, so one map drives the inline messages). The server validates the rest.
 */
export function draftToInput(d: CampaignDraft): { input: CampaignInput; errors: null } | { input: null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const int = (path: string, text: string): number | undefined => {
    if (text.trim() === '') return undefined;
    const n = Number(text);
    if (!Number.isInteger(n)) {
      errors[path] = 'must be a whole number';
      return undefined;
    }
    return n;
  };
  const num = (path: string, text: string): number | null => {
    if (text.trim() === '') return null;
    const n = Number(text);
    if (!Number.isFinite(n)) {
      errors[path] = 'must be a number';
      return null;
    }
    return n;
  };
  const currency = d.currency.trim().toUpperCase();
  const money = (path: string, text: string): number | undefined => {
    if (text.trim() === '') return undefined;
    const v = inputToMinor(text, currency);
    if (v === null) {
      const digits = currencyDigits(currency);
      errors[path] = digits === 0 ? `must be a whole amount in ${currency}` : `must be an amount with at most ${digits} decimals`;
      return undefined;
    }
    return v;
  };

  let commission: CampaignInput['commission'];
  if (d.commissionType === 'PERCENTAGE') {
    const bps = d.ratePercent.trim() === '' ? null : inputToBps(d.ratePercent);
    if (d.ratePercent.trim() !== '' && bps === null) errors['commission.rateBps'] = 'must be a percentage with at most 2 decimals';
    commission = { type: 'PERCENTAGE', rateBps: bps };
  } else {
    const amount = money('commission.amountMinor', d.flatAmount);
    commission = { type: 'FLAT', amountMinor: amount ?? null };
  }
  commission.duration = d.duration;
  if (d.duration === 'MONTHS') commission.durationMonths = int('commission.durationMonths', d.durationMonths) ?? null;

  const input: CampaignInput = {
    name: d.name.trim(),
    slug: d.slug.trim(),
    destinationUrl: d.destinationUrl.trim(),
    currency,
    commission,
    attributionWindowDays: int('attributionWindowDays', d.attributionWindowDays),
    holdDays: int('holdDays', d.holdDays),
    minPayoutMinor: money('minPayoutMinor', d.minPayout),
    payoutDayOfMonth: int('payoutDayOfMonth', d.payoutDayOfMonth),
    showRejectionReasonToApplicant: d.showRejectionReasonToApplicant,
    autoExecutePayouts: d.autoExecutePayouts,
    description: d.description.trim(),
    brandName: d.brandName.trim(),
    logoUrl: d.logoUrl.trim(),
    stripeCouponId: d.stripeCouponId.trim(),
    intakeFields: d.intakeFields.map((f, i) => ({
      key: f.key.trim(),
      label: f.label.trim(),
      type: f.type,
      required: f.required,
      options: hasOptions(f.type)
        ? f.options
            .split('\n')
            .map((o) => o.trim())
            .filter(Boolean)
        : [],
      min: hasBounds(f.type) ? num(`intakeFields.${i}.min`, f.min) : null,
      max: hasBounds(f.type) ? num(`intakeFields.${i}.max`, f.max) : null,
      helpText: f.helpText.trim() || null,
    })),
  };
  return Object.keys(errors).length > 0 ? { input: null, errors } : { input, errors: null };
}
