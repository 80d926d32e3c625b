import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Badge, type Column, CopyField, DataTable, describeError, formatDate, FormError, Modal, type Problem } from '@sorae/web-shared';
import type { EnrollmentRowFragment, EnrollmentStatus, OperatorRole } from '../../../gql/graphql';
import { SetEnrollmentStatusDocument } from '../api/affiliates';

/** Owners and reviewers manage enrollments; finance operators only see them. */
export const canManageEnrollments = (role: OperatorRole) => role === 'OWNER' || role === 'REVIEWER';

export function EnrollmentStatusBadge({ status }: { status: EnrollmentStatus }) {
  return (
    <span data-testid="enrollment-status" data-status={status}>
      {status === 'ACTIVE' ? <Badge tone="success">Active</Badge> : <Badge tone="danger">Suspended</Badge>}
    </span>
  );
}

/** The affiliate's campaign memberships: each share link, promotion code and status, and suspend / reactivate. */
export function AffiliateEnrollments({ enrollments, role }: { enrollments: readonly EnrollmentRowFragment[]; role: OperatorRole }) {
  const [changing, setChanging] = useState<EnrollmentRowFragment | null>(null);
  const canManage = canManageEnrollments(role);
  const columns: Column<EnrollmentRowFragment>[] = [
    { id: 'campaign', header: 'Campaign', cell: (e) => e.campaign.name, sortValue: (e) => e.campaign.name },
    {
      id: 'link',
      header: 'Share link',
      cell: (e) => <CopyField value={e.shareUrl} label={`Share link for ${e.campaign.name}`} testId="enrollment-share-url" />,
    },
    { id: 'code', header: 'Code', cell: (e) => <code data-testid="enrollment-code">{e.shareCode}</code>, sortValue: (e) => e.shareCode },
    {
      id: 'promotion',
      header: 'Promotion code',
      cell: (e) =>
        e.promotionCode ? (
          <>
            <code data-testid="enrollment-promotion-code">{e.promotionCode}</code>
            {e.promotionCodeError ? (
              <div className="field__error" data-testid="enrollment-promotion-code-error">
                Not in Stripe yet: {e.promotionCodeError}
              </div>
            ) : null}
          </>
        ) : (
          <span className="muted">None: no coupon</span>
        ),
      sortValue: (e) => e.promotionCode ?? '',
    },
    { id: 'since', header: 'Enrolled', cell: (e) => formatDate(e.createdAt), sortValue: (e) => e.createdAt },
    { id: 'status', header: 'Status', cell: (e) => <EnrollmentStatusBadge status={e.status} />, sortValue: (e) => e.status },
  ];
  if (canManage) {
    columns.push({
      id: 'action',
      header: 'Action',
      align: 'end',
      cell: (e) =>
        e.status === 'ACTIVE' ? (
          <button type="button" className="btn btn--secondary" onClick={() => setChanging(e)} data-testid="enrollment-suspend">
            Suspend…
          </button>
        ) : (
          <button type="button" className="btn btn--secondary" onClick={() => setChanging(e)} data-testid="enrollment-reactivate">
            Reactivate…
          </button>
        ),
    });
  }
  return (
    <div className="stack stack--tight">
      <DataTable
        label="Enrollments"
        testId="affiliate-enrollments"
        columns={columns}
        rows={enrollments}
        getRowId={(e) => e.id}
        empty="This affiliate is not enrolled in any campaign."
      />
      {canManage ? null : (
        <p className="muted" data-testid="enrollments-read-only">
          Owner and reviewer operators can suspend or reactivate a link.
        </p>
      )}
      {changing ? <EnrollmentStatusDialog enrollment={changing} onClose={() => setChanging(null)} /> : null}
    </div>
  );
}

/** Confirms suspending (the link stops at once) or reactivating an enrollment, and sends it. */
function EnrollmentStatusDialog({ enrollment, onClose }: { enrollment: EnrollmentRowFragment; onClose: () => void }) {
  const suspend = enrollment.status === 'ACTIVE';
  // The answer carries the enrollment's new status: the cache updates the row by id.
  const [setStatus, { loading }] = useMutation(SetEnrollmentStatusDocument);
  const [problem, setProblem] = useState<Problem | null>(null);
  const confirm = async () => {
    setProblem(null);
    try {
      await setStatus({ variables: { id: enrollment.id, status: suspend ? 'SUSPENDED' : 'ACTIVE' } });
      onClose();
    } catch (err) {
      const p = describeError(err);
      setProblem(p.code === 'FORBIDDEN' ? { ...p, message: 'Only owner and reviewer operators can suspend or reactivate a link.' } : p);
    }
  };
  return (
    <Modal
      title={suspend ? `Suspend the link for ${enrollment.campaign.name}?` : `Reactivate the link for ${enrollment.campaign.name}?`}
      onClose={onClose}
      testId="enrollment-status-dialog"
      busy={loading}
    >
      <div className="stack">
        {suspend ? (
          <>
            <p>
              The share link <code>{enrollment.shareUrl}</code> stops redirecting <strong>at once</strong>: shoppers who follow it get a “not found” page
              instead of the store.
            </p>
            <p>
              Its clicks no longer win attribution, so orders from now on earn this affiliate no commission through this link. Commissions already earned are
              not changed. You can reactivate the link later.
            </p>
          </>
        ) : (
          <p>
            The share link <code>{enrollment.shareUrl}</code> redirects to the campaign again at once, and its clicks can win attribution again.
          </p>
        )}
        <FormError message={problem?.message} testId="enrollment-status-error" />
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose} disabled={loading}>
            Cancel
          </button>
          <button
            type="button"
            className={suspend ? 'btn btn--danger' : 'btn btn--primary'}
            onClick={() => void confirm()}
            disabled={loading}
            data-testid="enrollment-status-confirm"
          >
            {loading ? (suspend ? 'Suspending…' : 'Reactivating…') : suspend ? 'Suspend link' : 'Reactivate link'}
          </button>
        </div>
      </div>
    </Modal>
  );
}
