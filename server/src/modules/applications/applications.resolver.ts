import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Field,
  FieldResolver,
  ID,
  Info,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import { PageArgs, connectionType, pageOf } from '../../graphql/connection.js';
import { Ctx, affiliateCaller, merchantCaller, type Context } from '../../graphql/context.js';
import { Operator, sessionCookie } from '../auth/index.js';
import { Affiliate, AffiliateConnection, Me, affiliatesPolicy } from '../affiliates/index.js';
import { Campaign } from '../campaigns/index.js';
import { Application, ApplicationStatus } from './application.entity.js';
import type { ApplicationNode } from './applications.service.js';
import { Enrollment, EnrollmentStatus } from './enrollment.entity.js';
import { applicationsPolicy } from './policy.js';
import { ReviewDecision } from './review-rules.js';

registerEnumType(ReviewDecision, { name: 'ReviewDecision' });

export enum ApplicationOrder {
  SUBMITTED_AT_DESC = 'SUBMITTED_AT_DESC',
  SUBMITTED_AT_ASC = 'SUBMITTED_AT_ASC',
}
registerEnumType(ApplicationOrder, { name: 'ApplicationOrder' });

@InputType()
class AnswerInput {
  @Field()
  key!: string;

  @Field({ description: 'MULTISELECT: a JSON array of options in the string. CHECKBOX: "true" or "false".' })
  value!: string;
}

@InputType()
class SubmitApplicationInput {
  @Field()
  campaignSlug!: string;

  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field({ description: "The portal password: a new account's, once the email is confirmed (an existing account keeps its own)." })
  password!: string;

  @Field(() => [AnswerInput])
  answers!: AnswerInput[];
}

@InputType()
export class ApplicationFilter {
  @Field(() => ID, { nullable: true })
  campaignId?: string;

  @Field(() => ApplicationStatus, { nullable: true })
  status?: ApplicationStatus;

  @Field({ nullable: true, description: 'Matches name, email and answers.' })
  search?: string;
}

@InputType()
class ReviewApplicationsInput {
  @Field(() => [ID], { nullable: true })
  ids?: string[];

  @Field(() => ApplicationFilter, { nullable: true, description: 'Every application matching it, instead of ids.' })
  filter?: ApplicationFilter;

  @Field(() => ReviewDecision)
  decision!: ReviewDecision;

  @Field(() => String, { nullable: true, description: 'Required to reject.' })
  reason?: string;
}

@ObjectType()
class ReviewItemResult {
  @Field(() => ID)
  applicationId!: string;

  @Field()
  ok!: boolean;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Enrollment, { nullable: true })
  enrollment!: Enrollment | null;
}

@ObjectType()
class ReviewResult {
  @Field(() => Int)
  approvedCount!: number;

  @Field(() => Int)
  rejectedCount!: number;

  @Field(() => Int)
  skippedCount!: number;

  @Field(() => [ReviewItemResult])
  results!: ReviewItemResult[];
}

@ObjectType()
class ApplicationCounts {
  @Field(() => Int)
  submitted!: number;

  @Field(() => Int)
  approved!: number;

  @Field(() => Int)
  rejected!: number;
}

@ObjectType()
class ApplicationConfirmation {
  @Field({ description: 'The email has a portal account: confirm again with its password to add the application to it.' })
  passwordRequired!: boolean;

  @Field()
  email!: string;

  @Field()
  campaignName!: string;

  @Field(() => String, { nullable: true, description: 'The portal session (also set as a cookie), once confirmed.' })
  token!: string | null;

  @Field(() => Application, { nullable: true })
  application!: Application | null;
}

@ObjectType()
class ApplicationEvent {
  @Field({ description: 'SUBMITTED, APPROVED or REJECTED.' })
  kind!: string;

  @Field()
  at!: Date;

  @Field(() => String, { nullable: true, description: 'Who reviewed (operator email); null for the applicant or an API key.' })
  by!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}

export const ApplicationConnection = connectionType('Application', Application);

@Resolver(() => Application)
export class ApplicationsResolver {
  @Mutation(() => Application, {
    description:
      'Public: apply to a campaign. The answer is the same whether the email has a portal account or not, and signs no one in: ' +
      'the applicant is emailed a link to confirmApplication, which records the application under this id.',
  })
  async submitApplication(@Arg('input', () => SubmitApplicationInput) input: SubmitApplicationInput, @Ctx() ctx: Context): Promise<Application> {
    // Read as the anonymous caller: its campaign is the one loaded with the form, the rest is as submitted.
    return (await ctx.services.applications.submit(ctx.fork(), input, ctx.ip, ctx.now())) as unknown as Application;
  }

  @Mutation(() => ApplicationConfirmation, {
    description:
      "Public: the emailed link's token. Records the application and signs the applicant in to the portal (cookie); " +
      'for an email with a portal account, first answers passwordRequired, then takes that password. The link works once, for 24 hours.',
  })
  async confirmApplication(
    @Arg('token') token: string,
    @Arg('password', () => String, { nullable: true }) password: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<ApplicationConfirmation> {
    const r = await ctx.services.applications.confirm(ctx.fork(), { token, password }, ctx.ip, ctx.now());
    if (r.passwordRequired) return { ...r, token: null, application: null };
    sessionCookie(ctx, 'affiliate', r.token);
    // Read back as the applicant, whose portal session this is: never through the caller's scope.
    const application = await ctx.enter(r.caller).loaders.byId(Application).load(r.applicationId);
    return { passwordRequired: false, email: r.email, campaignName: r.campaignName, token: r.token, application: application! };
  }

  @Authorized(applicationsPolicy.read)
  @Query(() => ApplicationConnection)
  async applications(
    @Arg('filter', () => ApplicationFilter, { nullable: true }) filter: ApplicationFilter | undefined,
    @Arg('orderBy', () => ApplicationOrder, { defaultValue: ApplicationOrder.SUBMITTED_AT_DESC }) orderBy: ApplicationOrder,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    const direction = orderBy === ApplicationOrder.SUBMITTED_AT_ASC ? 'asc' : 'desc';
    return ApplicationConnection.from(await ctx.services.applications.list(ctx.em, merchantCaller(ctx).merchantId, filter, pageOf(page, info), direction));
  }

  @Authorized(applicationsPolicy.read)
  @Query(() => ApplicationCounts, { description: 'How many applications per status, under the filter (its status ignored).' })
  applicationCounts(@Arg('filter', () => ApplicationFilter, { nullable: true }) filter: ApplicationFilter | undefined, @Ctx() ctx: Context) {
    return ctx.services.applications.counts(ctx.em, merchantCaller(ctx).merchantId, filter);
  }

  @Authorized(applicationsPolicy.read)
  @Query(() => Application, { nullable: true })
  application(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Application).load(id);
  }

  @Authorized(applicationsPolicy.review)
  @Mutation(() => ReviewResult)
  reviewApplications(@Arg('input', () => ReviewApplicationsInput) input: ReviewApplicationsInput, @Ctx() ctx: Context) {
    return ctx.services.applications.review(ctx.em, merchantCaller(ctx), input, ctx.now());
  }

  @FieldResolver(() => Campaign)
  async campaign(@Root() a: ApplicationNode, @Ctx() ctx: Context) {
    // A public submission's answer carries the campaign its form was read from.
    return a.campaign instanceof Campaign ? a.campaign : ctx.loaders.byId(Campaign).load(a.campaign.id);
  }

  @FieldResolver(() => Enrollment, { nullable: true, description: 'The share code, once approved.' })
  enrollment(@Root() a: ApplicationNode, @Ctx() ctx: Context) {
    if (!applicationsPolicy.seesEnrollment(ctx.caller)) return null;
    return ctx.loaders.keyed('enrollmentByApplication', (ids: readonly string[]) => ctx.services.applications.enrollmentsByApplication(ctx.em, ids)).load(a.id);
  }

  @FieldResolver(() => String, { nullable: true, description: "Shown to the applicant only if the campaign's showRejectionReasonToApplicant is on." })
  rejectionReason(@Root() a: ApplicationNode, @Ctx() ctx: Context) {
    return applicationsPolicy.rejectionReason(
      ctx.caller,
      a.rejectionReason,
      async () => (await ctx.loaders.byId(Campaign).load(a.campaign.id))?.showRejectionReasonToApplicant ?? false,
    );
  }

  @Authorized(applicationsPolicy.read)
  @FieldResolver(() => [ApplicationEvent])
  async history(@Root() a: ApplicationNode, @Ctx() ctx: Context): Promise<ApplicationEvent[]> {
    const events: ApplicationEvent[] = [{ kind: ApplicationStatus.SUBMITTED, at: a.submittedAt, by: null, reason: null }];
    if (a.reviewedAt) {
      const reviewer = a.reviewedBy ? await ctx.loaders.byId(Operator).load(a.reviewedBy.id) : null;
      events.push({ kind: a.status, at: a.reviewedAt, by: reviewer?.email ?? null, reason: a.rejectionReason ?? null });
    }
    return events;
  }
}

@Resolver(() => Enrollment)
export class EnrollmentResolver {
  @Authorized(applicationsPolicy.review)
  @Mutation(() => Enrollment, { description: 'SUSPENDED: the share link stops redirecting at once and its clicks no longer win attribution.' })
  setEnrollmentStatus(@Arg('id', () => ID) id: string, @Arg('status', () => EnrollmentStatus) status: EnrollmentStatus, @Ctx() ctx: Context) {
    return ctx.services.applications.setEnrollmentStatus(ctx.em, id, status);
  }

  @FieldResolver(() => String, { description: 'The link the affiliate shares: PUBLIC_URL/r/<shareCode>.' })
  shareUrl(@Root() e: Enrollment, @Ctx() ctx: Context) {
    return ctx.services.applications.shareUrl(e.shareCode);
  }

  @FieldResolver(() => Campaign)
  campaign(@Root() e: Enrollment, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Campaign).load(e.campaign.id);
  }
}

@InputType({ description: 'Affiliates are people with at least one enrollment; every field narrows the list.' })
class AffiliateFilter {
  @Field({ nullable: true, description: 'Part of the name or the email, any case.' })
  search?: string;

  @Field(() => ID, { nullable: true, description: 'Enrolled in this campaign.' })
  campaignId?: string;

  @Field(() => EnrollmentStatus, { nullable: true, description: 'With an enrollment in this status (in campaignId when given).' })
  status?: EnrollmentStatus;
}

/** The operators' affiliate list (enrolled affiliates: this module owns enrollments) and each affiliate's enrollments. */
@Resolver(() => Affiliate)
export class AffiliateEnrollmentsResolver {
  @Authorized(affiliatesPolicy.list)
  @Query(() => AffiliateConnection, { description: 'Enrolled affiliates, newest first, with stats (three aggregate queries per page).' })
  async affiliates(
    @Arg('filter', () => AffiliateFilter, { nullable: true }) filter: AffiliateFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() ctx: Context,
  ) {
    return AffiliateConnection.from(await ctx.services.affiliateDirectory.list(ctx.em, merchantCaller(ctx).merchantId, filter, pageOf(page, info)));
  }

  @Authorized(applicationsPolicy.enrollments)
  @FieldResolver(() => [Enrollment], { description: "The affiliate's campaign memberships, with share codes and status (suspend with setEnrollmentStatus)." })
  enrollments(@Root() affiliate: Affiliate, @Ctx() ctx: Context) {
    return ctx.loaders
      .keyed('enrollmentsByAffiliate', (ids: readonly string[]) => ctx.services.applications.enrollmentsByAffiliate(ctx.em, ids))
      .load(affiliate.id);
  }
}

@Resolver(() => Me)
export class MeApplicationsResolver {
  @FieldResolver(() => [Application])
  applications(@Ctx() ctx: Context) {
    return ctx.services.applications.forAffiliate(ctx.em, affiliateCaller(ctx).affiliateId);
  }

  @FieldResolver(() => [Enrollment])
  enrollments(@Ctx() ctx: Context) {
    return ctx.services.applications.enrollmentsOf(ctx.em, affiliateCaller(ctx).affiliateId);
  }
}
