import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, TypeInfo, visit, visitWithTypeInfo, type DefinitionNode, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import type { Access } from './access.js';
import { getSchema } from './schema.js';

const PORTAL = fileURLToPath(new URL('../../../portal-web/src', import.meta.url));

/** Every `graphql(`…`)` document the portal's source declares (not the generated `gql/` output). */
function portalDocuments(dir = PORTAL): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'gql' ? [] : portalDocuments(path);
    if (!/\.tsx?$/.test(e.name)) return [];
    return [...readFileSync(path, 'utf8').matchAll(/graphql\(\s*`([\s\S]*?)`\s*\)/g)].map((m) => m[1]!);
  });
}

/** The `@Authorized` rules type-graphql attached to a field of the schema, wherever it was declared. */
function rulesOf(typeName: string, fieldName: string): Access[] {
  const storage = getMetadataStorage();
  const operations = typeName === 'Query' ? storage.queries : typeName === 'Mutation' ? storage.mutations : [];
  if (operations.length) return operations.filter((o) => o.schemaName === fieldName).flatMap((o) => o.roles ?? []);
  const type = storage.objectTypes.find((o) => o.name === typeName);
  if (!type) return [];
  const declared = (type.fields ?? []).filter((f) => f.schemaName === fieldName).flatMap((f) => f.roles ?? []);
  const resolved = storage.fieldResolvers.filter((r) => r.schemaName === fieldName && r.getObjectType?.() === type.target).flatMap((r) => r.roles ?? []);
  return [...declared, ...resolved];
}

/** `Operation: Type.field (what)` for each field a signed-in affiliate would be refused. */
function refusedToAffiliates(schema: GraphQLSchema, documents: string[]): string[] {
  const definitions: DefinitionNode[] = documents.flatMap((d) => parse(d).definitions);
  const fragments = definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const refused = new Set<string>();
  for (const operation of definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)) {
    const typeInfo = new TypeInfo(schema);
    visit(
      { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (!parent) return;
          for (const rule of rulesOf(parent.name, node.name.value)) {
            if (!rule.affiliates) refused.add(`${operation.name?.value}: ${parent.name}.${node.name.value} (${rule.what})`);
          }
        },
      }),
    );
  }
  return [...refused].sort();
}

describe('the portal asks only for what affiliates may read', () => {
  it('no field of any portal document is one the server refuses a signed-in affiliate', async () => {
    const schema = await getSchema();
    const documents = portalDocuments();
    expect(documents.length).toBeGreaterThan(10);
    expect(refusedToAffiliates(schema, documents)).toEqual([]);
  });

  it('finds such a field: the operators-only failure message of a payout', async () => {
    const schema = await getSchema();
    const query = 'query Probe { me { payouts(first: 1) { edges { node { failureCode failureMessage } } } } }';
    expect(refusedToAffiliates(schema, [query])).toEqual(['Probe: PayoutItem.failureMessage (payouts (FINANCE and OWNER, keys with READ or PAYOUTS))']);
  });
});
