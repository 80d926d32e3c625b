import type { Blocker } from 'react-router';
import { Modal } from './Modal';

/** Asks before a held navigation (useUnsavedChanges) throws edits away. */
export function UnsavedChangesPrompt({ blocker }: { blocker: Blocker }) {
  if (blocker.state !== 'blocked') return null;
  return (
    <Modal title="Leave without saving?" onClose={() => blocker.reset()} testId="unsaved-changes">
      <div className="stack">
        <p>Your changes on this page are not saved. If you leave now, they are lost.</p>
        <div className="modal__actions">
          <button type="button" className="btn btn--secondary" onClick={() => blocker.reset()} data-testid="unsaved-changes-stay">
            Stay and keep editing
          </button>
          <button type="button" className="btn btn--danger" onClick={() => blocker.proceed()} data-testid="unsaved-changes-leave">
            Leave and discard
          </button>
        </div>
      </div>
    </Modal>
  );
}
