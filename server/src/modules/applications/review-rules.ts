import { ApplicationStatus } from './application.entity.js';
import { EnrollmentStatus } from './enrollment.entity.js';

export enum ReviewDecision {
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
}

/** The one place that says which status changes an application may make. */
const TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  [ApplicationStatus.SUBMITTED]: [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED],
  [ApplicationStatus.APPROVED]: [],
  [ApplicationStatus.REJECTED]: [],
};

export const targetStatus = (d: ReviewDecision) => (d === ReviewDecision.APPROVE ? ApplicationStatus.APPROVED : ApplicationStatus.REJECTED);

export const canTransition = (from: ApplicationStatus, to: ApplicationStatus) => TRANSITIONS[from].includes(to);

/** The statuses from which `to` may be reached: set-based updates select exactly these. */
export const sourcesOf = (to: ApplicationStatus) => (Object.keys(TRANSITIONS) as ApplicationStatus[]).filter((from) => canTransition(from, to));

export function refusal(from: ApplicationStatus, to: ApplicationStatus): string | null {
  if (canTransition(from, to)) return null;
  return from === to ? `already ${from.toLowerCase()}` : `cannot be ${to.toLowerCase()}: it is already ${from.toLowerCase()}`;
}

/**
 * The one place that says which status changes an enrollment may make: an operator suspends an
 * affiliate's enrollment (its links stop, its clicks stop winning) and may reactivate it. An
 * enrollment is born ACTIVE, by approval.
 */
const ENROLLMENT_TRANSITIONS: Record<EnrollmentStatus, readonly EnrollmentStatus[]> = {
  [EnrollmentStatus.ACTIVE]: [EnrollmentStatus.SUSPENDED],
  [EnrollmentStatus.SUSPENDED]: [EnrollmentStatus.ACTIVE],
};

export const canTransitionEnrollment = (from: EnrollmentStatus, to: EnrollmentStatus) => ENROLLMENT_TRANSITIONS[from].includes(to);
