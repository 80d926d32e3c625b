import { useRef } from 'react';
import { CopyButton } from './CopyButton';

/**
 * A read-only value (a share link, a secret, a URL) that selects itself on focus, with a Copy
 * button beside it. `multiline` shows it in a textarea (snippets).
 */
export function CopyField({
  value,
  label,
  testId,
  valueTestId = `${testId}-value`,
  multiline,
}: {
  value: string;
  label: string;
  testId: string;
  valueTestId?: string;
  multiline?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const select = () => (multiline ? area.current : input.current)?.select();
  return (
    <div className={multiline ? 'copy-field copy-field--multiline' : 'copy-field'} data-testid={testId}>
      {multiline ? (
        <textarea
          ref={area}
          className="input copy-field__value"
          readOnly
          value={value}
          rows={Math.min(8, value.split('\n').length)}
          aria-label={label}
          onFocus={(e) => e.currentTarget.select()}
          data-testid={valueTestId}
        />
      ) : (
        <input
          ref={input}
          className="input copy-field__value"
          readOnly
          value={value}
          aria-label={label}
          onFocus={(e) => e.currentTarget.select()}
          data-testid={valueTestId}
        />
      )}
      <CopyButton text={value} testId={`${testId}-copy`} selectOnFail={select} />
    </div>
  );
}
