import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, buildSchema, parse, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/harness.js';
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
      expect(validate(schema, document, limitRules).map((e) => e.message), source).toEqual([]);
      const fragments = Object.fromEntries(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      for (const op of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
        expect(countNodes(schema, op.selectionSet, schema.getRootType(op.operation)!, fragments, { first: 500 }), source).toBeLessThanOrEqual(QUERY_LIMITS.nodes);
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
        body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38' } } }),
      });
      const body = (await res.json()) as { errors?: { message: string }[] };
      expect(body.errors?.[0]?.message).toMatch(/PersistedQueryNotSupported/);
    });
  });
});
