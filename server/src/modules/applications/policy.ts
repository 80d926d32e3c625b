import { access, READ, REVIEWER } from '../../graphql/access.js';
import type { Caller } from '../auth/index.js';

/** Who may do what with applications and enrollments. */
export const applicationsPolicy = {
  /** Applications carry applicants' answers, email and name: operators signed in, never a key. */
  read: access({ what: "reading applications (applicants' personal data: operators signed in)", roles: 'ANY', scopes: [] }),
  /** Approving, rejecting, suspending enrollments. */
  review: access({ what: 'reviewing applications (REVIEWER and OWNER)', roles: [REVIEWER], scopes: [] }),
  /** An affiliate's enrollments (share codes, status): operators and reading keys. */
  enrollments: access({ what: "reading an affiliate's enrollments", roles: 'ANY', scopes: [READ] }),
  /** An application's enrollment: not in the answer to an anonymous submission (nobody is signed in to a merchant). */
  seesEnrollment: (caller: Caller) => caller.kind !== 'anonymous',
  /** A rejection reason: operators read it; the applicant only when the campaign shares reasons (asked only then). */
  async rejectionReason(caller: Caller, reason: string | null | undefined, sharedByCampaign: () => Promise<boolean>): Promise<string | null> {
    if (!reason || caller.kind !== 'affiliate') return reason ?? null;
    return (await sharedByCampaign()) ? reason : null;
  },
};
