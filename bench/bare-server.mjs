// The baseline for the redirect benchmark: a bare Node http server answering every request with
// the 302 in $HEADERS (the headers the real server sent for the link). Prints its port.
import { createServer } from 'node:http';

const headers = JSON.parse(process.env.HEADERS);
const server = createServer((_req, res) => {
  res.writeHead(302, headers);
  res.end();
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
