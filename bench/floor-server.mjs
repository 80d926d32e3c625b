// The floor for the redirect benchmark: the least a server can do and still keep every click in
// PostgreSQL. It answers the bare server's constant 302 ($HEADERS) and, per request, appends one
// preformatted row (a fresh click id and visitor id, the rest fixed) to $TABLE, a copy of `click`
// with the same indexes, by one COPY every 250 ms or 1,000 clicks, like the real click log. No
// share-code lookup, no request parsing, no cookie, no Location built. Prints its port.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const headers = JSON.parse(process.env.HEADERS);
const table = process.env.TABLE;
const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
await db.connect();
const {
  rows: [sample],
} = await db.query('select * from click limit 1');
if (!sample) throw new Error('the floor server copies a click row of the real server: none found');
const fixed = `\t${sample.merchant_id}\t${sample.enrollment_id}\t${sample.affiliate_id}\t${sample.campaign_id}\tAFFILIATE\t${sample.occurred_at.toISOString()}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${sample.ip_hash}\t`;
const COPY = `copy ${table} (id, merchant_id, enrollment_id, affiliate_id, campaign_id, channel, occurred_at, referer,
  utm_source, utm_medium, utm_campaign, utm_term, utm_content, user_agent, ip_hash, visitor_id, is_bot) from stdin`;

let rows = '';
let count = 0;
let timer;
let writing = Promise.resolve();
function flush() {
  clearTimeout(timer);
  timer = undefined;
  const text = rows;
  rows = '';
  count = 0;
  // One connection, batches in order: the next COPY starts when the last one is done.
  writing = writing.then(
    () =>
      new Promise((resolve, reject) => {
        const stream = db.query(copyFrom(COPY));
        stream.on('finish', resolve).on('error', reject);
        stream.end(text);
      }),
  );
  writing.catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

const server = createServer((_req, res) => {
  rows += `${randomUUID()}${fixed}${randomUUID()}\tf\n`;
  if (++count >= 1000) flush();
  else timer ??= setTimeout(flush, 250);
  res.writeHead(302, headers);
  res.end();
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
