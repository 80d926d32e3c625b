import { useEffect, useRef, useState } from 'react';

type Outcome = 'idle' | 'copied' | 'manual';

/**
 * Copies text to the clipboard with a visible confirmation. The Clipboard API needs a secure
 * context (https or localhost); elsewhere a hidden textarea and `execCommand('copy')` stand
 * in, and when even that is refused the text is selected for the person to copy themselves.
 */
export function CopyButton({
  text,
  label = 'Copy',
  testId = 'copy-button',
  selectOnFail,
}: {
  text: string;
  label?: string;
  testId?: string;
  selectOnFail?: () => void;
}) {
  const [outcome, setOutcome] = useState<Outcome>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    clearTimeout(timer.current);
    const ok = await copyText(text);
    if (!ok) selectOnFail?.();
    setOutcome(ok ? 'copied' : 'manual');
    timer.current = setTimeout(() => setOutcome('idle'), 2500);
  };

  return (
    <span className="copy">
      <button type="button" className="btn btn--secondary btn--small" onClick={() => void copy()} data-testid={testId}>
        {label}
      </button>
      <span className="copy__status" role="status" aria-live="polite" data-testid={`${testId}-status`}>
        {outcome === 'copied' ? 'Copied' : outcome === 'manual' ? 'Press Ctrl+C (⌘C) to copy' : ''}
      </span>
    </span>
  );
}

export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      /* permission refused or document not focused: try the fallback */
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
