import { formatNumber } from '@sorae/web-shared';
import type { ApplicationRowFragment } from '../../../gql/graphql';

export type Answer = ApplicationRowFragment['answers'][number];

/** The answers worth a column: by key when the form has them, else the first few. */
const PREFERRED: readonly (readonly string[])[] = [['social_profile'], ['audience_size'], ['content_category', 'category', 'categories']];

export function keyAnswerColumns(rows: readonly { answers: readonly Answer[] }[], fallbackCount = 3): { key: string; label: string }[] {
  const labels = new Map<string, string>();
  for (const row of rows) for (const a of row.answers) if (!labels.has(a.key)) labels.set(a.key, a.label);
  const picked = PREFERRED.map((keys) => keys.find((k) => labels.has(k))).filter((k): k is string => k !== undefined);
  const keys = picked.length > 0 ? picked : [...labels.keys()].slice(0, fallbackCount);
  return keys.map((key) => ({ key, label: labels.get(key) ?? key }));
}

/** An http(s) URL, or null: only those become links (never javascript: or data:). */
export function webUrl(value: string): URL | null {
  if (!/^https?:\/\//i.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function choices(value: string): string[] | null {
  if (!value.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((c) => typeof c === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * A plain number worth grouping ("250000" → "250,000"). Answers carry no type, so only what can
 * be nothing else qualifies: no leading zero (codes like "02139" stay as typed), no sign or spaces.
 */
function plainNumber(value: string): number | null {
  if (!/^[1-9]\d{3,14}(\.\d+)?$/.test(value)) return null;
  return Number(value);
}

/**
 * An applicant's answer, always as text (React escapes it: HTML in an answer is shown, never
 * run). Web addresses become external links; multiselect answers a list.
 */
export function AnswerValue({ value, compact = false }: { value: string | null | undefined; compact?: boolean }) {
  if (value == null || value === '') return <span className="muted">—</span>;
  const url = webUrl(value);
  if (url) {
    return (
      <a
        href={url.toString()}
        target="_blank"
        rel="noopener noreferrer"
        className={compact ? 'cell-clip' : 'answer__link'}
        title={value}
        data-testid="answer-link"
      >
        {compact ? `${url.host}${url.pathname === '/' ? '' : url.pathname}` : value}
      </a>
    );
  }
  const list = choices(value);
  if (list) return <span>{list.length > 0 ? list.join(', ') : '—'}</span>;
  const n = plainNumber(value);
  if (n !== null) return <span title={value}>{formatNumber(n)}</span>;
  return compact ? (
    <span className="cell-clip" title={value}>
      {value}
    </span>
  ) : (
    <span className="answer__text">{value}</span>
  );
}
