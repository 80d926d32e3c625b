import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ModalProps {
  title: ReactNode;
  /** Called on Escape, the close button, or (drawers) a click on the backdrop. */
  onClose: () => void;
  /** `dialog`: centred, for confirmations. `drawer`: a panel from the right, for details. */
  variant?: 'dialog' | 'drawer';
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  /** Keeps the dialog open on Escape/backdrop while something is in flight. */
  busy?: boolean;
}

/**
 * A modal on the native <dialog> (focus is moved in and kept there, the page behind is inert,
 * Escape closes it). Render it to open it; unmount it to close it.
 */
export function Modal({ title, onClose, variant = 'dialog', children, footer, testId, busy }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const close = () => {
    if (!busy) onClose();
  };
  return (
    <dialog
      ref={ref}
      className={`modal modal--${variant}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      onClick={(e) => {
        if (variant === 'drawer' && e.target === e.currentTarget) close();
      }}
    >
      <div className="modal__panel">
        <header className="modal__header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="btn btn--icon" onClick={close} aria-label="Close" data-testid={testId ? `${testId}-close` : undefined}>
            ×
          </button>
        </header>
        <div className="modal__body">{children}</div>
        {footer ? <footer className="modal__footer">{footer}</footer> : null}
      </div>
    </dialog>
  );
}
