import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE, MAX_PAGE } from '../db/pagination.js';

/**
 * What one GraphQL request may ask for. The apps' own documents stay well inside (a test checks
 * every one); an attacker's aliases, cycles (`commission.affiliate.commissions…`) and nested
 * pages are refused before anything runs. Validation and operation resolution read no database.
 */
export const QUERY_LIMITS = {
  /** Tokens in the document (inputs travel as variables, outside it); the apps' largest has a few hundred. */
  tokens: 5_000,
  /** The apps' deepest document is 10 levels. */
  depth: 12,
  aliases: 20,
  directives: 10,
  /** GraphQL Armor's static cost (objects 2, scalars 1, ×1.5 per level); the apps' costliest is about 12,000. */
  cost: 20_000,
  /** Rows that the request's connections could return together: 100 rows with a page of 20 under each is 2,100. */
  nodes: 5_000,
} as const;

// Reported as validation errors (Apollo answers 400) instead of thrown from inside graphql-js's visitor.
const report = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)] };

/** Depth, aliases, directives and static cost: graphql-js validation rules from GraphQL Armor. */
export const limitRules: ValidationRule[] = [
  maxDepthRule({ n: QUERY_LIMITS.depth, ...report }),
  maxAliasesRule({ n: QUERY_LIMITS.aliases, ...report }),
  maxDirectivesRule({ n: QUERY_LIMITS.directives, ...report }),
  costLimitRule({ maxCost: QUERY_LIMITS.cost, ...report }),
] as ValidationRule[];

/**
 * How many rows the operation's connections could return at most, the way GitHub counts them:
 * each connection field multiplies its `first` (its default when absent) by the pages above it.
 * Runs once variables are known, so `first: $n` counts as what was sent.
 */
export function countNodes(
  schema: GraphQLSchema,
  selection: SelectionSetNode,
  type: GraphQLNamedType,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  multiplier = 1,
): number {
  if (!isObjectType(type) && !isInterfaceType(type)) return 0;
  let total = 0;
  for (const s of selection.selections) {
    if (s.kind === Kind.FRAGMENT_SPREAD) {
      const f = fragments[s.name.value];
      const on = f && schema.getType(f.typeCondition.name.value);
      if (f && on) total += countNodes(schema, f.selectionSet, on, fragments, variables, multiplier);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      const on = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
      if (on) total += countNodes(schema, s.selectionSet, on, fragments, variables, multiplier);
    } else if (s.selectionSet) {
      const field = type.getFields()[s.name.value];
      if (!field) continue;
      let rows = multiplier;
      if (field.args.some((a) => a.name === 'first') && getNamedType(field.type).name.endsWith('Connection')) {
        const arg = s.arguments?.find((a) => a.name.value === 'first');
        const first = arg ? Number(valueFromASTUntyped(arg.value, variables)) : DEFAULT_PAGE;
        rows = multiplier * (Number.isFinite(first) && first > 0 ? Math.min(first, MAX_PAGE) : DEFAULT_PAGE);
        total += rows;
      }
      total += countNodes(schema, s.selectionSet, getNamedType(field.type), fragments, variables, rows);
    }
  }
  return total;
}

/** Refuses an operation whose connections could return more than QUERY_LIMITS.nodes rows, before it runs. */
export const nodeLimitPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, operation, request }) {
        const root = operation && schema.getRootType(operation.operation);
        if (!root) return;
        const fragments: Record<string, FragmentDefinitionNode> = {};
        for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
        const nodes = countNodes(schema, operation.selectionSet, root, fragments, request.variables ?? {});
        if (nodes > QUERY_LIMITS.nodes) {
          throw new GraphQLError(
            `This query could return ${nodes} rows; the limit is ${QUERY_LIMITS.nodes}. Ask for smaller pages or fewer nested connections.`,
            {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            },
          );
        }
      },
    };
  },
};
