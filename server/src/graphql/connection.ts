import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { encodeCursor, type Page, type PageRequest } from '../db/pagination.js';

@ArgsType()
export class PageArgs implements PageRequest {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 500 (default 20).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** Whether the query selects `name` on this field (through fragments too). */
function selects(info: GraphQLResolveInfo | undefined, name: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) =>
      s.kind === 'Field' ? s.name.value === name : s.kind === 'InlineFragment' ? visit(s.selectionSet) : visit(info!.fragments[s.name.value]?.selectionSet),
    );
  return !!info && info.fieldNodes.some((node) => visit(node.selectionSet));
}

/** The page a list field asks for: its arguments, and whether the query selects totalCount. */
export function pageOf(args: PageArgs, info?: GraphQLResolveInfo): PageRequest {
  return { first: args.first, after: args.after, countNow: selects(info, 'totalCount') };
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/** Declares `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function connectionType<T extends { id: string }>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    private count!: () => Promise<number>;

    @Field(() => Int)
    totalCount(): Promise<number> {
      return this.count();
    }

    static from(page: Page<T>): Connection {
      const c = new Connection();
      c.edges = page.nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
      const last = page.nodes.at(-1);
      c.pageInfo = { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(last.id) : null };
      c.count = page.count;
      return c;
    }
  }
  return Connection;
}
