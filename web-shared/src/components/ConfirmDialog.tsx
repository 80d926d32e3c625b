import { useState, type ReactNode } from 'react';
import { describeError } from '../lib/errors';
import { FormError } from './forms';
import { Modal } from './Modal';

interface ConfirmDialogProps {
  title: ReactNode;
  children: ReactNode;
  /** The button that does it, and what it says while it runs. */
  confirmLabel: string;
  busyLabel: string;
  /** Does the thing; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  /** Called after onConfirm succeeded (the dialog closes after it). */
  onDone?: () => void;
  danger?: boolean;
  busy: boolean;
  testId: string;
}

/** A confirmation for one consequential action: what will happen, Cancel, and the action. */
export function ConfirmDialog({ title, children, confirmLabel, busyLabel, onConfirm, onClose, onDone, danger, busy, testId }: ConfirmDialogProps) {
  const [problem, setProblem] = useState<string | null>(null);
  const run = async () => {
    setProblem(null);
    try {
      await onConfirm();
    } catch (err) {
      setProblem(describeError(err).message);
      return;
    }
    onDone?.();
    onClose();
  };
  return (
    <Modal title={title} onClose={onClose} testId={testId} busy={busy}>
      <div className="stack">
        {children}
        <FormError message={problem} />
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`}
            onClick={() => void run()}
            disabled={busy}
            data-testid={`${testId}-confirm`}
          >
            {busy ? busyLabel : confirmLabel}
          </button>
        </div>
      </div>
    </Modal>
  );
}
