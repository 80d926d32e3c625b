/** The applications module's front door (applications, their review, enrollments and share codes): what other modules and the composition root may use. */
import { ApplicationRequest } from './application-request.entity.js';
import { ApplicationStatusCount } from './application-status-count.entity.js';
import { Application } from './application.entity.js';
import { Enrollment } from './enrollment.entity.js';
import { AffiliateEnrollmentsResolver, ApplicationsResolver, EnrollmentResolver, MeApplicationsResolver } from './applications.resolver.js';

export { Enrollment, EnrollmentStatus } from './enrollment.entity.js';
export { ApplicationsService, type PromotionCodeEnrollment, type PromotionCodeLookup } from './applications.service.js';
export { AffiliateDirectory } from './affiliate-directory.js';
export { affiliatesCsv, applicationsCsv } from './exports.js';
export { ReviewDecision } from './review-rules.js';
export { promotionCodeKey, type PromotionCodeIssuer, type PromotionCodeOutcome } from './promotion-codes.js';
export { MAX_REVIEW_IDS } from './applications.service.js';

/** Entities: db/orm.ts registers every module's list. */
export const applicationsEntities = [Application, ApplicationRequest, ApplicationStatusCount, Enrollment];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const applicationsResolvers = [ApplicationsResolver, EnrollmentResolver, MeApplicationsResolver, AffiliateEnrollmentsResolver] as const;
