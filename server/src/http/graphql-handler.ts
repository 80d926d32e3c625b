import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { countQueries } from '../db/query-counter.js';
import { withRequestId } from './internal-error.js';
import { jsonProblem, readBody, sendJson, type RequestTarget } from './router.js';

/**
 * What the largest valid request needs, with room: a campaign with the longest form (50,000
 * characters, up to 3 bytes each in UTF-8), an application's answers (20,000 characters) or
 * 1,000 ids to review or finalize. Anything larger is refused before it is parsed.
 */
export const GRAPHQL_BODY_LIMIT = 256 * 1024;

/**
 * Serves Apollo over plain node:http (Apollo's documented integration API). Each request's
 * SQL statements are counted and, outside production, reported in `x-sql-statements`; an
 * internal error is logged and answered with the request's id.
 */
export function graphqlHandler<C extends BaseContext>(
  apollo: ApolloServer<C>,
  makeContext: (req: IncomingMessage, cookies: string[]) => Promise<C>,
  exposeCounts: boolean,
) {
  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, GRAPHQL_BODY_LIMIT);
      if ((headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          sendJson(res, 400, { errors: [{ message: 'Body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
          return;
        }
      } else body = raw.toString('utf8');
    }
    const problem = target.search.includes('%00') ? 'Text must not contain NUL characters' : jsonProblem(body);
    if (problem) {
      sendJson(res, 400, { errors: [{ message: problem, extensions: { code: 'BAD_USER_INPUT' } }] });
      return;
    }
    const cookies: string[] = [];
    const { count, result } = countQueries(() =>
      withRequestId(() =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: target.search, body },
          context: () => makeContext(req, cookies),
        }),
      ),
    );
    const response = await result;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (cookies.length) res.setHeader('set-cookie', cookies);
    if (exposeCounts) res.setHeader('x-sql-statements', String(count.statements));
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
