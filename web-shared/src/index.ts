// The UI both apps share. Import the stylesheet once per app: `import '@sorae/web-shared/styles.css'`.
export { AppShell, Brand, type NavItem } from './components/AppShell';
export { AuthPage } from './components/AuthPage';
export { ConfirmDialog } from './components/ConfirmDialog';
export { CopyButton, copyText } from './components/CopyButton';
export { CopyField } from './components/CopyField';
export { CredentialsForm } from './components/CredentialsForm';
export { amountsOf, CurrencyAmounts, type CurrencyAmount } from './components/CurrencyAmounts';
export { DateRangePicker, useRangeInUrl } from './components/DateRangePicker';
export { DataTable, type Column, type DataTableProps, type Pagination, type Selection, type SortState } from './components/DataTable';
export { Badge, EmptyState, ErrorState, PageHeader, Spinner } from './components/feedback';
export { CheckboxField, Field, FieldMessages, FormError, SelectField, TextAreaField, TextField, type Option } from './components/forms';
export {
  AttributionExplanation,
  type AttributionView,
  CommissionStatusBadge,
  describeReason,
  describeRule,
  CommissionOrder,
  recurringLabel,
  type TouchView,
} from './components/commissions';
export { Modal } from './components/Modal';
export { ChangePasswordForm, ForgotPasswordForm, NewPasswordForm, ResetPasswordForm } from './components/passwords';
export { PayoutAccountStatusBadge, PayoutItemStatusBadge } from './components/payouts';
export { UnsavedChangesPrompt } from './components/UnsavedChangesPrompt';
export { Stats, type Stat } from './components/Stats';
export { type ChartMetric, MetricChart } from './components/TimeSeriesChart';
export { type Connection, type ConnectionTableOptions, useConnectionTable } from './hooks/useConnectionTable';
export { type ConnectionPage, useCursorPagination } from './hooks/useCursorPagination';
export { useDebouncedValue } from './hooks/useDebouncedValue';
export { useDocumentTitle } from './hooks/useDocumentTitle';
export { useUnsavedChanges } from './hooks/useUnsavedChanges';
export { useSignOut } from './hooks/useSignOut';
export type { CommissionStatus, PayoutAccountStatus, PayoutItemStatus } from './gql/schema';
export { changeBetween, type Interval, intervalFor, lengthInDays, previousRange, type RangeChoice, ratio, toInstants, utcDay } from './lib/date-range';
export { describeError, errorCode, type Problem } from './lib/errors';
export { explainPayoutFailure } from './lib/payout-failures';
export { nextPayout } from './lib/payout-schedule';
export {
  bpsToInput,
  currencyDigits,
  formatBps,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  inputToBps,
  inputToMinor,
  minorToInput,
} from './lib/format';
