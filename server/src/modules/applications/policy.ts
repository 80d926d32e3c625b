import { access, READ, REVIEWER } from '../../graphql/access.js';

/** Who may do what with applications and enrollments. */
export const applicationsPolicy = {
  /** Applications carry applicants' answers, email and name: operators signed in, never a key. */
  read: access({ what: "reading applications (applicants' personal data: operators signed in)", roles: 'ANY', scopes: [] }),
  /** Approving, rejecting, suspending enrollments. */
  review: access({ what: 'reviewing applications (REVIEWER and OWNER)', roles: [REVIEWER], scopes: [] }),
  /** An affiliate's enrollments (share codes, status): operators and reading keys. */
  enrollments: access({ what: "reading an affiliate's enrollments", roles: 'ANY', scopes: [READ] }),
};
