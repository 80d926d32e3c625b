import { useMemo, useState } from 'react';
import { type Column, DataTable, formatDateTime, type SortState, useConnectionTable } from '@sorae/web-shared';
import type { ApplicationFilter, ApplicationOrder, ApplicationRowFragment } from '../../../gql/graphql';
import { ApplicationsDocument } from '../api/applications';
import { AnswerValue, keyAnswerColumns } from './answers';
import { ApplicationStatusBadge } from './ApplicationStatusBadge';
import { plural, type ReviewRequest } from './review';

type Row = ApplicationRowFragment;

interface Props {
  /** The tab's status, campaign and search. The parent remounts this table when it changes. */
  filter: ApplicationFilter;
  order: ApplicationOrder;
  onOrderChange: (order: ApplicationOrder) => void;
  canReview: boolean;
  onOpen: (id: string) => void;
  onReview: (request: ReviewRequest) => void;
}

/** One page of the queue at a time, with selection and bulk review for the Submitted tab. */
export function ApplicationsTable({ filter, order, onOrderChange, canReview, onOpen, onReview }: Props) {
  const { connection, rows, table } = useConnectionTable(ApplicationsDocument, {
    variables: { filter, orderBy: order },
    connection: (d) => d.applications,
  });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);

  const reviewable = canReview && filter.status === 'SUBMITTED';
  const total = connection?.totalCount ?? 0;
  const names = useMemo(() => new Map((rows ?? []).map((r) => [r.id, r.name])), [rows]);
  const clear = () => {
    setSelected(new Set());
    setAllMatching(false);
  };

  const reviewOne = (row: Row, decision: 'APPROVE' | 'REJECT') =>
    onReview({ decision, target: { ids: [row.id] }, count: 1, subject: row.name, names: new Map([[row.id, row.name]]) });

  const reviewSelection = (decision: 'APPROVE' | 'REJECT') =>
    onReview(
      allMatching
        ? { decision, target: { filter }, count: total, subject: `all ${plural(total, 'matching application')}`, names, onDone: clear }
        : { decision, target: { ids: [...selected] }, count: selected.size, subject: plural(selected.size, 'selected application'), names, onDone: clear },
    );

  const columns = (() => {
    const answerColumns: Column<Row>[] = keyAnswerColumns(rows ?? []).map(({ key, label }) => ({
      id: `answer-${key}`,
      header: label,
      cell: (r) => <AnswerValue compact value={r.answers.find((a) => a.key === key)?.value} />,
    }));
    const cols: Column<Row>[] = [
      {
        id: 'applicant',
        header: 'Applicant',
        cell: (r) => (
          <div className="applicant">
            <button type="button" className="link-button table__primary-link" onClick={() => onOpen(r.id)} data-testid="open-application">
              {r.name}
            </button>
            <span className="muted">{r.email}</span>
          </div>
        ),
      },
      // Filtered to one campaign, the column would repeat its name on every row.
      ...(filter.campaignId ? [] : [{ id: 'campaign', header: 'Campaign', cell: (r: Row) => r.campaign.name }]),
      ...answerColumns,
      { id: 'submittedAt', header: 'Submitted', cell: (r) => formatDateTime(r.submittedAt), sortValue: (r) => r.submittedAt },
    ];
    if (filter.status !== 'SUBMITTED') {
      cols.push({ id: 'status', header: 'Status', cell: (r) => <ApplicationStatusBadge status={r.status} /> });
      cols.push({ id: 'reviewedAt', header: 'Reviewed', cell: (r) => formatDateTime(r.reviewedAt) });
    }
    if (filter.status === 'REJECTED') {
      cols.push({
        id: 'reason',
        header: 'Reason',
        cell: (r) => (
          <span className="cell-clip" title={r.rejectionReason ?? undefined}>
            {r.rejectionReason ?? '—'}
          </span>
        ),
      });
    }
    if (filter.status === 'APPROVED') {
      cols.push({ id: 'shareCode', header: 'Share code', cell: (r) => (r.enrollment ? <code>{r.enrollment.shareCode}</code> : '—') });
    }
    if (reviewable) {
      cols.push({
        id: 'actions',
        header: 'Review',
        align: 'end',
        cell: (r) =>
          r.status === 'SUBMITTED' ? (
            <span className="row-actions">
              <button
                type="button"
                className="btn btn--secondary btn--small"
                onClick={() => reviewOne(r, 'APPROVE')}
                aria-label={`Approve ${r.name}`}
                data-testid="row-approve"
              >
                Approve
              </button>
              <button
                type="button"
                className="btn btn--ghost btn--small btn--danger-text"
                onClick={() => reviewOne(r, 'REJECT')}
                aria-label={`Reject ${r.name}`}
                data-testid="row-reject"
              >
                Reject
              </button>
            </span>
          ) : null,
      });
    }
    return cols;
  })();

  const sort: SortState = { columnId: 'submittedAt', direction: order === 'SUBMITTED_AT_ASC' ? 'asc' : 'desc' };
  const pageIds = (rows ?? []).map((r) => r.id);
  const wholePageSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));

  return (
    <div className="stack stack--tight">
      {reviewable && wholePageSelected && total > pageIds.length ? (
        <div className="banner banner--info banner--row" data-testid="select-all-matching-banner">
          {allMatching ? (
            <>
              <p>
                All <strong>{total}</strong> applications matching this tab and filter are selected.
              </p>
              <button type="button" className="btn btn--ghost btn--small" onClick={clear}>
                Clear selection
              </button>
            </>
          ) : (
            <>
              <p>All {pageIds.length} on this page are selected.</p>
              <button type="button" className="btn btn--secondary btn--small" onClick={() => setAllMatching(true)} data-testid="select-all-matching">
                Select all {total} matching
              </button>
            </>
          )}
        </div>
      ) : null}
      <DataTable
        label="Applications"
        columns={columns}
        getRowId={(r) => r.id}
        getRowLabel={(r) => r.name}
        onRowClick={(r) => onOpen(r.id)}
        empty={filter.search || filter.campaignId ? 'No applications match this filter.' : 'No applications here yet.'}
        sort={sort}
        // The table cycles asc → desc → none; here "none" after newest-first means oldest-first.
        onSortChange={(next) => onOrderChange(next?.direction === 'desc' ? 'SUBMITTED_AT_DESC' : 'SUBMITTED_AT_ASC')}
        selection={
          reviewable
            ? {
                selected,
                onChange: (next) => {
                  setSelected(next);
                  setAllMatching(false);
                },
                actions: (
                  <>
                    <button type="button" className="btn btn--primary btn--small" onClick={() => reviewSelection('APPROVE')} data-testid="bulk-approve">
                      Approve {allMatching ? total : selected.size}
                    </button>
                    <button type="button" className="btn btn--danger btn--small" onClick={() => reviewSelection('REJECT')} data-testid="bulk-reject">
                      Reject {allMatching ? total : selected.size}
                    </button>
                  </>
                ),
              }
            : undefined
        }
        {...table}
      />
    </div>
  );
}
