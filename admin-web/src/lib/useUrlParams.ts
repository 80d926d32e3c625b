import { useSearchParams } from 'react-router';

/**
 * A page's filters kept in the URL's query, so a filtered page can be linked and bookmarked: the
 * parameters, and a setter that drops a parameter set to '' and replaces the history entry.
 */
export function useUrlParams() {
  const [params, setParams] = useSearchParams();
  const setParam = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  return [params, setParam] as const;
}
