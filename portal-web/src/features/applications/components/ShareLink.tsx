import { CopyField } from '@sorae/web-shared';

/** The affiliate's share link, selectable, with a Copy button. */
export function ShareLink({ url }: { url: string }) {
  return <CopyField value={url} label="Your share link" testId="share-link" valueTestId="share-url" />;
}
