// The floor of an HTTP scrape: a server answering every request with the same pre-gzipped body
// (handed over as a file). A bench's baseline for "is it the agent or the host".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync, constants } from 'node:zlib';

process.on('message', async (msg) => {
  if (msg.cmd !== 'start') return;
  const gz = gzipSync(readFileSync(msg.file), { level: constants.Z_BEST_SPEED });
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': gz.length });
    res.end(gz);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send({ id: msg.id, ok: true, result: { port: server.address().port, bytes: gz.length } });
});
process.on('disconnect', () => process.exit(0));
