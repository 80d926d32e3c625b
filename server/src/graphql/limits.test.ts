import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, buildSchema, parse, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_LENGTH, MAX_ANSWERS_LENGTH, MAX_FORM_LENGTH, MAX_INTAKE_FIELDS } from '@sorae/intake';
import { GRAPHQL_BODY_LIMIT } from '../http/graphql-handler.js';
import { MAX_REVIEW_IDS } from '../modules/applications/index.js';
import { MAX_FINALIZE_IDS } from '../modules/commissions/index.js';
import { startTestApp, uniq, type TestApp } from '../test/harness.js';
import { QUERY_LIMITS, countNodes, limitRules } from './limits.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every GraphQL document the two apps send (`graphql(\`…\`)` in their sources). */
function appDocuments(): string[] {
  const docs: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'gql' || name === 'node_modules' || name === 'dist') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name)) for (const m of readFileSync(path, 'utf8').matchAll(/graphql\(`([^`]*)`\)/g)) docs.push(m[1]!);
    }
  };
  for (const app of ['admin-web/src', 'portal-web/src', 'web-shared/src']) walk(join(root, app));
  return docs;
}

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: publicCampaign(slug: "x") { name }`).join(' ')} }`;

describe('query limits', () => {
  it("the apps' own documents are inside every limit, with the largest pages they ask for", () => {
    const schema = buildSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
    const docs = appDocuments();
    expect(docs.length).toBeGreaterThan(40);
    for (const source of docs) {
      const document = parse(source, { maxTokens: QUERY_LIMITS.tokens });
      expect(
        validate(schema, document, limitRules).map((e) => e.message),
        source,
      ).toEqual([]);
      const fragments = Object.fromEntries(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      for (const op of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
        expect(countNodes(schema, op.selectionSet, schema.getRootType(op.operation)!, fragments, { first: 500 }), source).toBeLessThanOrEqual(
          QUERY_LIMITS.nodes,
        );
      }
    }
  });

  describe('through the server', () => {
    let app: TestApp;
    let owner: { token: string };
    beforeAll(async () => {
      app = await startTestApp();
      owner = await app.newMerchant();
    });
    afterAll(() => app?.close());

    it('refuses 5,000 aliases of a public query, and 21, before reading the database; 20 still run', async () => {
      const attack = await app.gql(aliases(5_000));
      expect(attack.status).toBe(400);
      expect(attack.errors![0]!.message).toMatch(/more that 5000 tokens/); // graphql-js's wording
      expect(attack.statements).toBe(0);
      const over = await app.gql(aliases(QUERY_LIMITS.aliases + 1));
      expect(over.status).toBe(400);
      expect(over.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(over.errors![0]!.message).toMatch(/Aliases limit of 20 exceeded/);
      expect(over.statements).toBe(0);
      const fine = await app.gql(aliases(QUERY_LIMITS.aliases));
      expect(fine.errors).toBeUndefined();
      expect(fine.statements).toBe(QUERY_LIMITS.aliases);
    });

    it('refuses a cycle nested past the depth limit', async () => {
      let selection = 'id';
      for (let i = 0; i < 4; i++) selection = `commissions { edges { node { affiliate { id ${selection} } } } }`;
      const r = await app.gql(`{ affiliates { edges { node { ${selection} } } } }`, {}, owner.token);
      expect(r.status).toBe(400);
      expect(r.errors!.map((e) => e.message).join(' ')).toMatch(/depth limit of 12 exceeded/);
      expect(r.statements).toBe(1); // the session lookup only
    });

    it('refuses nested pages that could return more rows than the limit, counting variables as sent', async () => {
      const query = `query($n: Int) { affiliates(first: $n) { edges { node { commissions(first: 20) { totalCount } } } } }`;
      const big = await app.gql(query, { n: 500 }, owner.token);
      expect(big.status).toBe(400);
      expect(big.errors![0]!.message).toMatch(/could return 10500 rows; the limit is 5000/);
      expect(big.statements).toBe(1);
      const small = await app.gql(query, { n: 100 }, owner.token);
      expect(small.errors).toBeUndefined();
    });

    it('refuses a document with more tokens than the limit', async () => {
      const r = await app.gql(`{ ${'__typename '.repeat(QUERY_LIMITS.tokens)} }`);
      expect(r.status).toBe(400);
      expect(r.errors![0]!.message).toMatch(/more that 5000 tokens/);
    });

    describe('the body limit', () => {
      /** Three bytes in UTF-8: the widest text a form or an answer may fill its characters with. */
      const wide = (n: number) => '語'.repeat(n);
      const HELP = 500;
      const LABEL = 200;
      const CHOICE_FIELDS = 20;
      const OPTION = 10;
      // The rest of the form's characters after every label and help text is at its longest.
      const OPTIONS = (MAX_FORM_LENGTH - MAX_INTAKE_FIELDS * (LABEL + HELP)) / (CHOICE_FIELDS * OPTION);
      const largestForm = (extra = 0) =>
        Array.from({ length: MAX_INTAKE_FIELDS }, (_, i) => ({
          key: `q${i}`,
          label: wide(LABEL - 3) + String(i).padStart(3, '0'),
          helpText: wide(HELP + (i === 0 ? extra : 0)),
          ...(i < CHOICE_FIELDS
            ? { type: 'MULTISELECT', options: Array.from({ length: OPTIONS }, (_, j) => wide(OPTION - 3) + String(j).padStart(3, '0')) }
            : { type: 'TEXTAREA' }),
        }));
      const CREATE = `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`;
      const campaignInput = (intakeFields: unknown) => ({
        name: wide(100),
        slug: uniq('largest-'),
        destinationUrl: 'https://shop.example/',
        currency: 'USD',
        commission: { type: 'FLAT', amountMinor: 100 },
        intakeFields,
      });
      const bodyBytes = (query: string, variables: unknown) => Buffer.byteLength(JSON.stringify({ query, variables }));

      it('takes the largest valid campaign form and the longest valid application', async () => {
        const input = campaignInput(largestForm());
        expect(bodyBytes(CREATE, { input })).toBeLessThanOrEqual(GRAPHQL_BODY_LIMIT);
        const created = await app.gql<{ createCampaign: { slug: string } }>(CREATE, { input }, owner.token);
        expect(created.errors).toBeUndefined();
        const { slug } = created.data!.createCampaign;

        const full = MAX_ANSWERS_LENGTH / MAX_ANSWER_LENGTH;
        const answers = Array.from({ length: full }, (_, i) => ({ key: `q${CHOICE_FIELDS + i}`, value: wide(MAX_ANSWER_LENGTH) }));
        const APPLY = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`;
        const application = { campaignSlug: slug, email: `${uniq('long')}@creators.example`, name: 'Long Answers', password: 'long-answers-password', answers };
        expect(bodyBytes(APPLY, { input: application })).toBeLessThanOrEqual(GRAPHQL_BODY_LIMIT);
        const applied = await app.gql(APPLY, { input: application });
        expect(applied.errors).toBeUndefined();

        const longer = { ...application, email: `${uniq('longer')}@creators.example`, answers: [...answers, { key: `q${CHOICE_FIELDS + full}`, value: 'x' }] };
        const refused = await app.gql(APPLY, { input: longer });
        expect(refused.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(refused.errors![0]!.message).toMatch(/answers are too long: at most 20,000 characters in all/);
      });

      it('refuses a form one character longer, and more ids than a review or a finalization takes, with the reason', async () => {
        const longer = await app.gql(CREATE, { input: campaignInput(largestForm(1)) }, owner.token);
        expect(longer.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(longer.errors![0]!.message).toMatch(/is too long: at most 50,000 characters of labels, help texts and options in all \(50,001\)/);

        const ids = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());
        const review = await app.gql(
          `mutation($ids: [ID!]) { reviewApplications(input: { ids: $ids, decision: APPROVE }) { approvedCount } }`,
          { ids: ids(MAX_REVIEW_IDS + 1) },
          owner.token,
        );
        expect(review.errors![0]!.message).toMatch(/at most 1000 at a time: review more with a filter/);
        const finalize = await app.gql(
          `mutation($ids: [ID!]) { finalizeCommissions(input: { ids: $ids }) { finalizedCount } }`,
          { ids: ids(MAX_FINALIZE_IDS + 1) },
          owner.token,
        );
        expect(finalize.errors![0]!.message).toMatch(/at most 1000 ids: finalize more by campaign or by hold/);
      });

      it('refuses a body one byte over the limit with 413, before reading it as GraphQL', async () => {
        const query = '{ __typename }';
        const padding = 'x'.repeat(GRAPHQL_BODY_LIMIT - bodyBytes(query, { padding: '' }) + 1);
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables: { padding } }),
        });
        expect(res.status).toBe(413);
        expect(await res.text()).toMatch(/Body larger than 262144 bytes/);
        const fits = await app.gql(query, { padding: padding.slice(1) });
        expect(fits.data).toEqual({ __typename: 'Query' });
      });
    });

    it('outside production, introspection and suggestions are on', async () => {
      expect((await app.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await app.gql('{ publicCampaig(slug: "x") { name } }')).errors![0]!.message).toMatch(/Did you mean "publicCampaign"/);
    });
  });

  describe('as production configures it', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ GRAPHQL_INTROSPECTION: 'false', GRAPHQL_PERSISTED_QUERIES: 'false' });
    });
    afterAll(() => app?.close());

    it('introspection is refused and errors suggest no field names', async () => {
      const r = await app.gql('{ __schema { queryType { name } } }');
      expect(r.errors![0]!.message).toMatch(/introspection is not allowed/i);
      const typo = await app.gql('{ publicCampaig(slug: "x") { name } }');
      expect(typo.errors![0]!.message).not.toMatch(/publicCampaign/);
    });

    it('nobody can register a persisted query', async () => {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ __typename }',
          extensions: { persistedQuery: { version: 1, sha256Hash: 'ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38' } },
        }),
      });
      const body = (await res.json()) as { errors?: { message: string }[] };
      expect(body.errors?.[0]?.message).toMatch(/PersistedQueryNotSupported/);
    });
  });
});
