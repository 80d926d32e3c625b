import { useSyncExternalStore } from 'react';

/**
 * Who signed in to this tab, from the affiliateSignIn answer: id, email and name only. The
 * session itself is the httpOnly cookie the server set; the token is never kept here.
 *
 * Once the server has the affiliate `me` query, the portal asks it instead (see
 * features/applications/api/me.ts) and this store only remembers that a sign-in happened.
 */
export interface SignedInAffiliate {
  id: string;
  email: string;
  name: string;
}

const KEY = 'sorae.portal.affiliate';
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: SignedInAffiliate | null } = { raw: null, value: null };

function read(): SignedInAffiliate | null {
  let raw: string | null = null;
  try {
    raw = sessionStorage.getItem(KEY);
  } catch {
    /* storage unavailable (privacy mode): behave as signed out */
  }
  if (raw === cached.raw) return cached.value;
  let value: SignedInAffiliate | null = null;
  try {
    const parsed = raw ? (JSON.parse(raw) as Partial<SignedInAffiliate>) : null;
    if (parsed && typeof parsed.id === 'string' && typeof parsed.email === 'string' && typeof parsed.name === 'string') {
      value = { id: parsed.id, email: parsed.email, name: parsed.name };
    }
  } catch {
    value = null;
  }
  cached = { raw, value };
  return value;
}

function emit() {
  for (const l of listeners) l();
}

export function rememberAffiliate(a: SignedInAffiliate): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ id: a.id, email: a.email, name: a.name }));
  } catch {
    /* ignore */
  }
  emit();
}

export function forgetAffiliate(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
  emit();
}

export function useSignedInAffiliate(): SignedInAffiliate | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    read,
    () => null,
  );
}
