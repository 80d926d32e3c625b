import { useQuery } from '@apollo/client/react';
import { ErrorState, formatDateTime, Modal, Spinner } from '@sorae/web-shared';
import { MailMessageDocument } from '../api/outbox';

/**
 * One message as its recipient sees it. The HTML part is shown in a sandboxed frame (no scripts,
 * no same-origin access, no forms or navigation of this page), which also keeps the admin app's
 * CSP: the frame's document inherits it, so nothing in a message can load or run anything.
 */
export function MailPreview({ id, onClose }: { id: string; onClose: () => void }) {
  const { data, loading, error, refetch } = useQuery(MailMessageDocument, { variables: { id } });
  const m = data?.mailMessage;
  return (
    <Modal title={m?.subject ?? 'Message'} onClose={onClose} variant="drawer" testId="outbox-message">
      {loading && !m ? <Spinner label="Loading the message…" /> : null}
      {error && !m ? <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the message" /> : null}
      {m ? (
        <div className="stack">
          <p className="muted">
            To <strong data-testid="outbox-message-to">{m.to}</strong>, {formatDateTime(m.createdAt)}
          </p>
          <iframe title="HTML part" sandbox="" srcDoc={m.html} className="mail-preview" data-testid="outbox-message-html" />
          <details>
            <summary>Plain-text part</summary>
            <pre className="mail-preview__text" data-testid="outbox-message-text">
              {m.text}
            </pre>
          </details>
        </div>
      ) : null}
    </Modal>
  );
}
