import type { ApplicationFilter, ReviewApplicationsMutation, ReviewDecision } from '../../../gql/graphql';

/** A review the operator asked for, waiting for their confirmation. */
export interface ReviewRequest {
  decision: ReviewDecision;
  /** Chosen applications, or every application matching a filter (the server applies it). */
  target: { ids: string[] } | { filter: ApplicationFilter };
  /** How many applications it is about, as far as the page knows. */
  count: number;
  /** Names it in the confirmation: "Ava Chen", "2 selected applications". */
  subject: string;
  /** Names of the applications the page knows, to explain skipped ones in the summary. */
  names: ReadonlyMap<string, string>;
  /** Runs after the review succeeded (e.g. to clear the selection). */
  onDone?: () => void;
}

export type ReviewOutcome = ReviewApplicationsMutation['reviewApplications'];

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
