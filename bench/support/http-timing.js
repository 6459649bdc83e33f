// Sequential GETs over one keep-alive connection (how Prometheus scrapes), for a bounded time.
import { Agent, request } from 'node:http';
import { quantile } from './stats.js';

function get(agent, port, path, headers) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers, timeout: 30_000 }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** GETs `path` back to back for `durationMs` (at most `maxRequests`, after `warmup`); p50/p99 ms and req/s. */
export async function timeScrapes(port, { path = '/metrics', headers = {}, durationMs = 15_000, maxRequests = 2000, warmup = 5 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < warmup; i++) await get(agent, port, path, headers);
    const times = [];
    let bytes = 0;
    const started = performance.now();
    while (performance.now() - started < durationMs && times.length < maxRequests) {
      const t0 = performance.now();
      bytes = await get(agent, port, path, headers);
      times.push(performance.now() - t0);
    }
    const elapsed = performance.now() - started;
    return { n: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), perSecond: (times.length / elapsed) * 1000, bytes };
  } finally {
    agent.destroy();
  }
}
