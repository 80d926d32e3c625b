/**
 * Stripe's request encoding: application/x-www-form-urlencoded with bracket nesting
 * (`metadata[k]=v`, `capabilities[transfers][requested]=true`, `expand[0]=x` or `expand[]=x`),
 * the same for query strings on GET. Values stay strings; handlers coerce them.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

// Keys that would reach Object.prototype through bracket paths are dropped, never assigned.
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export function decodeForm(text: string): FormParams {
  const root: Node = {};
  if (!text) return {};
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const key = decodePart(rawKey);
    const value = decodePart(rawValue);
    const path = splitKey(key);
    if (!path || path.some((p) => FORBIDDEN.has(p))) continue;
    assign(root, path, value);
  }
  return arrayify(root) as FormParams;
}

function decodePart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `a[b][]` → ['a', 'b', '']; null for malformed keys. */
function splitKey(key: string): string[] | null {
  const open = key.indexOf('[');
  if (open < 0) return key ? [key] : null;
  const path = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.length) {
    const m = /^\[([^\]]*)\]/.exec(rest);
    if (!m) return null;
    path.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return path[0] ? path : null;
}

type Node = { [key: string]: Node | string };

function assign(root: Node, path: string[], value: string): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    let part = path[i]!;
    // `x[]` appends: give it the next free index so arrayify turns it into an array.
    if (part === '') part = String(Object.keys(node).length);
    if (i === path.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (typeof next === 'object') node = next;
    else {
      const created: Node = {};
      node[part] = created;
      node = created;
    }
  }
}

/** Objects whose keys are exactly 0..n-1 become arrays, like Stripe's own decoder. */
function arrayify(value: Node | string): FormValue {
  if (typeof value === 'string') return value;
  const keys = Object.keys(value);
  const out: { [key: string]: FormValue } = {};
  for (const k of keys) out[k] = arrayify(value[k]!);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => out[k]!);
  return out;
}

/** A stable text for comparing the parameters of two requests (idempotency). */
export function canonicalParams(params: FormParams): string {
  const sort = (v: FormValue): unknown =>
    typeof v === 'string'
      ? v
      : Array.isArray(v)
        ? v.map(sort)
        : Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort(v[k]!)]),
          );
  return JSON.stringify(sort(params));
}
