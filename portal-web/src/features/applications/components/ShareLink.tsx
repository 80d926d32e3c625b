import { useRef } from 'react';
import { CopyButton } from '../../../components/CopyButton';

/** The affiliate's share link, selectable, with a Copy button. */
export function ShareLink({ url }: { url: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="share-link" data-testid="share-link">
      <input
        ref={input}
        className="input share-link__url"
        readOnly
        value={url}
        aria-label="Your share link"
        onFocus={(e) => e.currentTarget.select()}
        data-testid="share-url"
      />
      <CopyButton text={url} testId="copy-share-link" selectOnFail={() => input.current?.select()} />
    </div>
  );
}
