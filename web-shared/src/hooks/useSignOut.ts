import type { TypedDocumentNode } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';

/**
 * Ends the session with the app's `signOut` mutation (the server clears its cookie), goes to
 * /sign-in and forgets everything cached for it.
 */
export function useSignOut<T>(signOutDocument: TypedDocumentNode<T, Record<string, never>>) {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [signOut, state] = useMutation(signOutDocument);
  const run = useCallback(async () => {
    try {
      await signOut();
    } catch {
      // Already signed out (or unreachable): leaving is still what was asked.
    }
    navigate('/sign-in', { replace: true });
    // Nothing of this session may linger in the cache for whoever signs in next.
    await client.clearStore();
  }, [client, navigate, signOut]);
  return [run, state] as const;
}
