import type { ApplicationStatus } from '../../../gql/graphql';

const TABS: { status: ApplicationStatus; label: string; count: 'submitted' | 'approved' | 'rejected' }[] = [
  { status: 'SUBMITTED', label: 'Submitted', count: 'submitted' },
  { status: 'APPROVED', label: 'Approved', count: 'approved' },
  { status: 'REJECTED', label: 'Rejected', count: 'rejected' },
];

interface Props {
  value: ApplicationStatus;
  onChange: (status: ApplicationStatus) => void;
  counts: { submitted: number; approved: number; rejected: number } | undefined;
  panelId: string;
}

/** Submitted / Approved / Rejected, each with how many match the campaign and search filter. */
export function StatusTabs({ value, onChange, counts, panelId }: Props) {
  return (
    <div className="tabs" role="tablist" aria-label="Application status">
      {TABS.map((tab) => {
        const active = tab.status === value;
        return (
          <button
            key={tab.status}
            type="button"
            role="tab"
            aria-selected={active}
            aria-controls={panelId}
            tabIndex={active ? 0 : -1}
            className={active ? 'tab is-active' : 'tab'}
            onClick={() => onChange(tab.status)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const i = TABS.findIndex((t) => t.status === value);
              const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
              onChange(next.status);
              e.currentTarget.parentElement?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[TABS.indexOf(next)]?.focus();
            }}
            data-testid={`tab-${tab.status.toLowerCase()}`}
          >
            {tab.label}
            <span className="tab__count" data-testid={`tab-count-${tab.status.toLowerCase()}`}>
              {counts ? counts[tab.count] : '–'}
            </span>
          </button>
        );
      })}
    </div>
  );
}
