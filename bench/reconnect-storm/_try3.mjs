import 'reflect-metadata';
import { ExponentialBackoff } from '@rds-agent/core/host';
import { runStorm } from './fleet-storm.js';
if (process.argv[2] === 'nostack') Error.stackTraceLimit = 0;
const model = { agents: 10000, seed: 42, outageMs: 30000, acceptLimit: 200, windowMs: 100 };
for (const sc of [
  { name: 'default', detection: 'event', backoff: (d) => new ExponentialBackoff({}, d) },
  { name: 'ref', detection: 'poll', firstAttemptJitter: 0, backoff: (d) => new ExponentialBackoff({}, d) },
]) {
  const c0 = process.cpuUsage();
  const r = await runStorm(sc, model);
  const c = process.cpuUsage(c0);
  console.log(process.argv[2], sc.name, 'wall', Math.round(r.wallMs), 'cpu', Math.round((c.user + c.system) / 1000), r.peak, r.peakAfterReturn, r.allConnectedMs);
}
