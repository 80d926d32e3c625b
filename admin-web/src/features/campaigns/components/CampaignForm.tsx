import { useState, type FormEvent, type ReactNode } from 'react';
import {
  CheckboxField,
  currencyDigits,
  describeError,
  FormError,
  SelectField,
  TextAreaField,
  TextField,
  UnsavedChangesPrompt,
  useUnsavedChanges,
} from '@sorae/web-shared';
import type { CampaignInput, CampaignStatus, CommissionDuration, CommissionType } from '../../../gql/graphql';
import { draftToInput, sameDraft, slugify, type CampaignDraft, type DraftErrors } from './campaign-draft';
import { IntakeFieldBuilder } from './IntakeFieldBuilder';

interface Props {
  mode: 'create' | 'edit';
  initial: CampaignDraft;
  /** Saves; a rejection's `extensions.fieldErrors` are shown next to the inputs. */
  onSubmit: (input: CampaignInput & { status?: CampaignStatus }) => Promise<void>;
  submitLabel: string;
}

/** Paths the form shows next to an input; anything else the server reports goes in the banner. */
const TOP_LEVEL_PATHS = new Set([
  'name',
  'slug',
  'destinationUrl',
  'currency',
  'commission',
  'commission.type',
  'commission.rateBps',
  'commission.amountMinor',
  'commission.duration',
  'commission.durationMonths',
  'stripeCouponId',
  'attributionWindowDays',
  'holdDays',
  'minPayoutMinor',
  'payoutDayOfMonth',
  'status',
  'intakeFields',
  'showRejectionReasonToApplicant',
  'autoExecutePayouts',
  'description',
  'brandName',
  'logoUrl',
]);
const INTAKE_PATH = /^intakeFields\.(\d+)\.(key|label|type|required|options|min|max|helpText)(\.|$)/;

const STATUS_OPTIONS = [
  { value: 'ACTIVE', label: 'Active: accepting applications, links redirect' },
  { value: 'PAUSED', label: 'Paused: no new applications' },
  { value: 'ARCHIVED', label: 'Archived' },
] as const;

const DURATION_OPTIONS = [
  { value: 'ONCE', label: "Once: a subscription's first payment only" },
  { value: 'MONTHS', label: 'A number of months of a subscription' },
  { value: 'FOREVER', label: 'Every payment of a subscription' },
] as const;

const COMMISSION_OPTIONS = [
  { value: 'PERCENTAGE', label: 'Percentage of the order' },
  { value: 'FLAT', label: 'Flat amount per order' },
] as const;

export function CampaignForm({ mode, initial, onSubmit, submitLabel }: Props) {
  const [draft, setDraft] = useState<CampaignDraft>(initial);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [slugTouched, setSlugTouched] = useState(mode === 'edit');
  // Leaving with edits asks first; while saving, the page may move on (to the new campaign).
  const blocker = useUnsavedChanges(!saving && !sameDraft(draft, initial));

  const set = <K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K], ...clear: string[]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    if (clear.length) setErrors((e) => omit(e, clear));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const parsed = draftToInput(draft);
    if (!parsed.input) {
      setErrors(parsed.errors);
      setMessage('Please correct the highlighted fields.');
      return;
    }
    setSaving(true);
    try {
      await onSubmit(mode === 'edit' ? { ...parsed.input, status: draft.status } : parsed.input);
      setErrors({});
    } catch (err) {
      const p = describeError(err);
      setErrors(p.fieldErrors);
      setMessage(p.message);
    } finally {
      setSaving(false);
    }
  };

  const unclaimed = Object.fromEntries(Object.entries(errors).filter(([k]) => !TOP_LEVEL_PATHS.has(k) && !INTAKE_PATH.test(k)));
  const digits = currencyDigits(draft.currency);
  const moneyHint = digits === 0 ? `Whole ${draft.currency || 'currency'} units.` : `In ${draft.currency || 'currency'}, e.g. ${(25).toFixed(digits)}.`;

  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="campaign-form" aria-busy={saving || undefined}>
      <UnsavedChangesPrompt blocker={blocker} />
      <FormError message={message} details={unclaimed} />

      <Section title="Basics">
        <div className="grid grid--2">
          <TextField
            label="Name"
            value={draft.name}
            required
            onValueChange={(v) => {
              setDraft((d) => ({ ...d, name: v, slug: slugTouched ? d.slug : slugify(v) }));
              setErrors((e) => omit(e, ['name', ...(slugTouched ? [] : ['slug'])]));
            }}
            error={errors.name}
            data-testid="campaign-name"
          />
          <TextField
            label="Slug"
            value={draft.slug}
            required
            spellCheck={false}
            onValueChange={(v) => {
              setSlugTouched(true);
              set('slug', v, 'slug');
            }}
            error={errors.slug}
            hint="Part of the application page's address: lowercase letters, digits and dashes."
            data-testid="campaign-slug"
          />
          <TextField
            label="Destination URL"
            type="url"
            value={draft.destinationUrl}
            required
            placeholder="https://shop.example.com/"
            onValueChange={(v) => set('destinationUrl', v, 'destinationUrl')}
            error={errors.destinationUrl}
            hint="Where share links send shoppers."
            data-testid="campaign-destination-url"
          />
          <TextField
            label="Currency"
            value={draft.currency}
            required
            maxLength={3}
            spellCheck={false}
            onValueChange={(v) => set('currency', v.toUpperCase(), 'currency')}
            error={errors.currency}
            hint="ISO 4217 code, e.g. USD, EUR, JPY. One currency per campaign."
            data-testid="campaign-currency"
          />
          {mode === 'edit' ? (
            <SelectField
              label="Status"
              value={draft.status}
              options={STATUS_OPTIONS}
              onValueChange={(v) => set('status', v as CampaignStatus, 'status')}
              error={errors.status}
              data-testid="campaign-status"
            />
          ) : null}
        </div>
      </Section>

      <Section title="Public page" description="What applicants read before they apply, and affiliates in their portal, beside the terms below.">
        <TextAreaField
          label="Description"
          value={draft.description}
          rows={4}
          maxLength={2000}
          onValueChange={(v) => set('description', v, 'description')}
          error={errors.description}
          hint="What the program offers and who it is for. Plain text."
          data-testid="campaign-description"
        />
        <div className="grid grid--2">
          <TextField
            label="Offered by"
            value={draft.brandName}
            maxLength={200}
            onValueChange={(v) => set('brandName', v, 'brandName')}
            error={errors.brandName}
            hint="The name applicants see. Empty: your merchant name."
            data-testid="campaign-brand-name"
          />
          <TextField
            label="Logo URL"
            type="url"
            value={draft.logoUrl}
            placeholder="https://shop.example.com/logo.png"
            spellCheck={false}
            onValueChange={(v) => set('logoUrl', v, 'logoUrl')}
            error={errors.logoUrl}
            hint="An https:// image, shown square beside the name."
            data-testid="campaign-logo-url"
          />
        </div>
      </Section>

      <Section title="Commission">
        <div className="grid grid--2">
          <SelectField
            label="Commission type"
            value={draft.commissionType}
            options={COMMISSION_OPTIONS}
            onValueChange={(v) => set('commissionType', v as CommissionType, 'commission', 'commission.type', 'commission.rateBps', 'commission.amountMinor')}
            error={errors['commission.type'] ?? errors.commission}
            data-testid="campaign-commission-type"
          />
          {draft.commissionType === 'PERCENTAGE' ? (
            <TextField
              label="Commission rate"
              inputMode="decimal"
              value={draft.ratePercent}
              adornment="%"
              onValueChange={(v) => set('ratePercent', v, 'commission.rateBps')}
              error={errors['commission.rateBps']}
              hint="Of each attributed order, e.g. 12.5."
              data-testid="campaign-commission-rate"
            />
          ) : (
            <TextField
              label="Commission amount"
              inputMode="decimal"
              value={draft.flatAmount}
              adornment={draft.currency}
              onValueChange={(v) => set('flatAmount', v, 'commission.amountMinor')}
              error={errors['commission.amountMinor']}
              hint={`Per attributed order. ${moneyHint}`}
              data-testid="campaign-commission-amount"
            />
          )}
          <SelectField
            label="Recurring payments"
            value={draft.duration}
            options={DURATION_OPTIONS}
            onValueChange={(v) => set('duration', v as CommissionDuration, 'commission.duration', 'commission.durationMonths')}
            error={errors['commission.duration']}
            hint="Later payments of a subscription earn the affiliate who brought its first one, without a new click."
            data-testid="campaign-commission-duration"
          />
          {draft.duration === 'MONTHS' ? (
            <TextField
              label="Months that earn"
              inputMode="numeric"
              value={draft.durationMonths}
              onValueChange={(v) => set('durationMonths', v, 'commission.durationMonths')}
              error={errors['commission.durationMonths']}
              hint="Billing months counted from the first payment: 12 means months 1 to 12."
              data-testid="campaign-commission-duration-months"
            />
          ) : null}
          <TextField
            label="Stripe coupon"
            value={draft.stripeCouponId}
            onValueChange={(v) => set('stripeCouponId', v, 'stripeCouponId')}
            error={errors.stripeCouponId}
            hint="A coupon id in the Stripe account you sell through: each affiliate approved from now on gets a promotion code for it. Empty: none."
            data-testid="campaign-stripe-coupon"
          />
        </div>
      </Section>

      <Section title="Attribution and payouts">
        <div className="grid grid--2">
          <TextField
            label="Attribution window (days)"
            inputMode="numeric"
            value={draft.attributionWindowDays}
            onValueChange={(v) => set('attributionWindowDays', v, 'attributionWindowDays')}
            error={errors.attributionWindowDays}
            hint="How long after a click an order still counts."
            data-testid="campaign-attribution-window"
          />
          <TextField
            label="Hold period (days)"
            inputMode="numeric"
            value={draft.holdDays}
            onValueChange={(v) => set('holdDays', v, 'holdDays')}
            error={errors.holdDays}
            hint="Commissions stay pending (refundable) this long before they are finalized."
            data-testid="campaign-hold-days"
          />
          <TextField
            label="Minimum payout"
            inputMode="decimal"
            value={draft.minPayout}
            adornment={draft.currency}
            onValueChange={(v) => set('minPayout', v, 'minPayoutMinor')}
            error={errors.minPayoutMinor}
            hint={`Smaller balances carry forward to the next payout. ${moneyHint}`}
            data-testid="campaign-min-payout"
          />
          <TextField
            label="Payout day of month"
            type="number"
            min={1}
            max={28}
            value={draft.payoutDayOfMonth}
            onValueChange={(v) => set('payoutDayOfMonth', v, 'payoutDayOfMonth')}
            error={errors.payoutDayOfMonth}
            hint="1 to 28: the monthly batch is built on this day."
            data-testid="campaign-payout-day"
          />
        </div>
        <CheckboxField
          label="Execute monthly payouts automatically"
          checked={draft.autoExecutePayouts}
          onCheckedChange={(v) => set('autoExecutePayouts', v, 'autoExecutePayouts')}
          error={errors.autoExecutePayouts}
          hint="Otherwise an operator reviews and executes each batch."
          data-testid="campaign-auto-execute-payouts"
        />
      </Section>

      <Section title="Application form" description="Questions applicants answer on the public application page, in this order.">
        <CheckboxField
          label="Show the rejection reason to applicants"
          checked={draft.showRejectionReasonToApplicant}
          onCheckedChange={(v) => set('showRejectionReasonToApplicant', v, 'showRejectionReasonToApplicant')}
          error={errors.showRejectionReasonToApplicant}
          data-testid="campaign-show-rejection-reason"
        />
        <IntakeFieldBuilder
          fields={draft.intakeFields}
          errors={errors}
          onChange={(intakeFields, change) => {
            setDraft((d) => ({ ...d, intakeFields }));
            // Error paths are by position: once rows move they no longer point at the right row.
            if (change.structural) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('intakeFields'))));
            else if (change.index !== undefined && change.property) {
              const prefix = `intakeFields.${change.index}.${change.property}`;
              setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== prefix && !k.startsWith(`${prefix}.`))));
            }
          }}
        />
      </Section>

      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={saving} data-testid="campaign-save">
          {saving ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <fieldset className="card form-section">
      <legend className="form-section__title">{title}</legend>
      {description ? <p className="muted">{description}</p> : null}
      {children}
    </fieldset>
  );
}

function omit(errors: DraftErrors, keys: string[]): DraftErrors {
  const next = { ...errors };
  for (const k of keys) delete next[k];
  return next;
}
