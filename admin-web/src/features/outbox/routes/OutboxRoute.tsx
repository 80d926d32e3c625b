import { useState } from 'react';
import { PageHeader } from '@sorae/web-shared';
import { MailPreview } from '../components/MailPreview';
import { OutboxTable } from '../components/OutboxTable';

/** `/outbox` (owners): every email sent to applicants and affiliates; without SMTP_URL, where they are kept. */
export function OutboxRoute() {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Outbox"
        description="Every email sent to applicants and affiliates, newest first. Without SMTP_URL nothing leaves the server: the messages wait here."
      />
      <OutboxTable onOpen={setOpen} />
      {open ? <MailPreview id={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
