import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { Field, useDebouncedValue } from '@sorae/web-shared';
import { AffiliateNameDocument, AffiliateSearchDocument } from '../api/commissions';

/**
 * The affiliate filter: type part of a name or an email, pick one of the matches (the server
 * searches, so any number of affiliates works). The chosen one shows with a button to clear it.
 */
export function AffiliatePicker({ value, onChange }: { value: string; onChange: (affiliateId: string) => void }) {
  const listId = useId();
  const [text, setText] = useState('');
  const search = useDebouncedValue(text.trim(), 250);
  // The one just picked is shown at once; one named by the URL (a link from an affiliate's page) is read.
  const [picked, setPicked] = useState<{ id: string; name: string; email: string } | null>(null);
  const named = useQuery(AffiliateNameDocument, { variables: { id: value }, skip: !value || picked?.id === value });
  const chosen = picked?.id === value ? picked : named.data?.affiliate;
  const matches = useQuery(AffiliateSearchDocument, { variables: { search }, skip: !!value || !search });
  const options = matches.data?.affiliates.edges.map((e) => e.node) ?? [];
  const open = !value && !!search && !matches.loading;

  if (value) {
    return (
      <Field label="Affiliate">
        {() => (
          <div className="picker__chosen" data-testid="filter-affiliate-chosen">
            <span>{chosen ? `${chosen.name} (${chosen.email})` : named.loading ? 'Loading…' : 'An affiliate not found'}</span>
            <button type="button" className="btn btn--ghost btn--small" onClick={() => onChange('')} data-testid="filter-affiliate-clear">
              Clear
            </button>
          </div>
        )}
      </Field>
    );
  }
  return (
    <div className="picker">
      <Field label="Affiliate">
        {(control) => (
          <input
            {...control}
            className="input"
            type="search"
            role="combobox"
            aria-expanded={open}
            aria-controls={listId}
            aria-autocomplete="list"
            placeholder="All affiliates: type a name or email"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="filter-affiliate"
          />
        )}
      </Field>
      {open ? (
        <ul className="picker__options" id={listId} role="listbox" aria-label="Matching affiliates">
          {options.length ? (
            options.map((a) => (
              <li key={a.id} role="option" aria-selected={false}>
                <button
                  type="button"
                  onClick={() => {
                    setText('');
                    setPicked(a);
                    onChange(a.id);
                  }}
                  data-testid="affiliate-option"
                >
                  {a.name} <span className="muted">{a.email}</span>
                </button>
              </li>
            ))
          ) : (
            <li className="muted" role="option" aria-selected={false} aria-disabled>
              No affiliate matches “{search}”.
            </li>
          )}
        </ul>
      ) : null}
    </div>
  );
}
