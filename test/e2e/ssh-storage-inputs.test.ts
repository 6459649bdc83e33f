/**
 * Real OpenSSH e2e: the agent (in-process, built-in plugins, the Prometheus exporter on HTTP, real
 * time) runs its raid and drives inputs against the private sshd's canned RouterOS answers, in the
 * JSON form (a device with `:serialize`) and in the text form (one without), and through one 2 MiB
 * adversarial answer: that run is dropped and counted, the series go absent instead of freezing,
 * `/metrics` keeps answering and the probes keep succeeding on the same connection; the next proper
 * answer brings the series back. Needs root and /usr/sbin/sshd; fails loudly without them.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { BUILTIN_PLUGINS, VERSION } from '@rds-agent/agent';
import { Agent, createLogger } from '@rds-agent/core/host';
import { loadTestConfig } from '@rds-agent/core/testing';
import { INPUT_NAMES } from '@rds-agent/rds-ssh-plugin';
import { promValue } from '../support/storage-agent.js';
import { CANNED_STORAGE_COMMANDS, type TestSshd } from '../support/sshd.js';
import { useTestSshd } from '../support/ssh-harness.js';

const peer = useTestSshd({ identity: 'rds-e2e-storage-inputs' });
const T = 'rds';
/** Real-time bound on one scrape: generous for a shared 2-core machine, far below a frozen event loop. */
const SCRAPE_BOUND_MS = 2000;

/** The series the canned device (nvme1, a member of the clean RAID5 `storage-pool`) gives the raid and drives inputs. */
const HEALTHY: readonly (readonly [string, Record<string, string>, number])[] = [
  ['rds_raid_state', { slot: 'storage-pool', state: 'clean' }, 1],
  ['rds_raid_state', { slot: 'storage-pool', state: 'degraded' }, 0],
  ['rds_raid_members', { slot: 'storage-pool' }, 1],
  ['rds_raid_members_in_sync', { slot: 'storage-pool' }, 1],
  ['rds_raid_member_failed', { slot: 'nvme1', array: 'storage-pool' }, 0],
  ['rds_drive_present', { slot: 'nvme1' }, 1],
  ['rds_drive_temperature_celsius', { slot: 'nvme1' }, 32],
];

interface RunningAgent {
  readonly agent: Agent;
  readonly url: string;
  readonly dir: string;
}

/** Starts the agent on the sshd with only raid and drives, every second, and probes every second. */
async function startAgent(sshd: TestSshd): Promise<RunningAgent> {
  const dir = await mkdtemp(join(tmpdir(), 'rds-e2e-storage-inputs-'));
  const inputs = INPUT_NAMES.map((n) => `        ${n}: { enabled: ${n === 'raid' || n === 'drives'}, interval: 1s, timeout: 5s }`).join('\n');
  const yaml = `logLevel: debug
shutdownTimeout: 5s
monitor:
  probeInterval: 1s
  probeTimeout: 1s
  connectTimeout: 5s
  firstAttemptJitter: 0
targets:
  - name: ${T}
    transport: rds-ssh
    options:
      host: ${sshd.host}
      port: ${sshd.port}
      username: ${sshd.user}
      privateKeyFile: ${JSON.stringify(sshd.clientKeyFile)}
      hostKeyFingerprints: [${JSON.stringify(sshd.hostKeyFingerprint)}]
      inputs:
${inputs}
exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: 0
    defaultMetrics: false
`;
  const prepared = await loadTestConfig({ plugins: BUILTIN_PLUGINS, yaml });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', {}, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const agent = new Agent({ config: prepared.config, registry: prepared.registry, logger, version: VERSION });
  await agent.start();
  const listening = logs.find((l) => l['msg'] === 'prometheus exporter listening');
  if (!listening) throw new Error('the prometheus exporter logged no address');
  return { agent, url: new URL(String(listening['url'])).origin, dir };
}

/** `/metrics`, which MUST answer within {@link SCRAPE_BOUND_MS}; also returns how long it took. */
async function scrape(url: string): Promise<{ readonly text: string; readonly ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(SCRAPE_BOUND_MS) });
  assert.equal(res.status, 200);
  const text = await res.text();
  return { text, ms: performance.now() - started };
}

/** Scrapes until `check` holds (real time, bounded); returns the scrape that passed. */
async function scrapeUntil(url: string, check: (text: string) => boolean, description: string, timeoutMs = 15_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { text } = await scrape(url);
    if (check(text)) return text;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const v = (text: string, metric: string, labels: Record<string, string> = {}): number | undefined => promValue(text, metric, { target: T, ...labels });
const healthy = (text: string): boolean => HEALTHY.every(([m, l, want]) => v(text, m, l) === want);
const mismatches = (text: string): string[] => HEALTHY.filter(([m, l, want]) => v(text, m, l) !== want).map(([m, l, want]) => `${m}${JSON.stringify(l)}: want ${want}, got ${v(text, m, l)}`);

describe('raid and drives inputs against real OpenSSH: JSON, text, and a 2 MiB adversarial answer', () => {
  let running: RunningAgent | undefined;
  afterEach(async () => {
    peer.sshd.setJsonSupported(true);
    for (const name of Object.keys(CANNED_STORAGE_COMMANDS)) peer.sshd.setAdversarialAnswer(name as keyof typeof CANNED_STORAGE_COMMANDS, undefined);
    await running?.agent.stop();
    if (running) await rm(running.dir, { recursive: true, force: true });
    running = undefined;
    await peer.sshd.waitForSessions(0);
  });

  for (const form of ['json', 'text'] as const) {
    it(`${form}: reads the canned answers; a 2 MiB adversarial listing is dropped and counted while /metrics and probes carry on; the next answer restores the series`, async () => {
      const listing = form === 'json' ? CANNED_STORAGE_COMMANDS['disk-json'] : CANNED_STORAGE_COMMANDS['disk-terse'];
      const other = form === 'json' ? CANNED_STORAGE_COMMANDS['disk-terse'] : CANNED_STORAGE_COMMANDS['disk-json'];
      peer.sshd.setJsonSupported(form === 'json');
      const seen = peer.sshd.commands().length;
      running = await startAgent(peer.sshd);
      const url = running.url;

      const first = await scrapeUntil(url, healthy, `the ${form} answers read`).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${mismatches((await scrape(url)).text).join('; ')}`);
      });
      const commands = peer.sshd.commands().slice(seen);
      assert.ok(commands.includes(listing), `the ${form} listing was read: ${JSON.stringify(commands)}`);
      assert.ok(!commands.includes(other), `the other form was never asked for: ${JSON.stringify(commands)}`);
      assert.equal(v(first, 'rds_connection_state'), 1);
      const connects = v(first, 'rds_reconnect_total', { status: 'success' });
      const errorsBefore = (input: string, text: string): number => v(text, 'rds_telemetry_errors_total', { input, reason: 'command' }) ?? 0;

      // Exactly 2 MiB (the output cap) of a listing's start and then spaces: not a listing, whole.
      peer.sshd.setAdversarialAnswer(form === 'json' ? 'disk-json' : 'disk-terse', 'spaces');
      const probesAt = v(first, 'rds_probes_total', { result: 'ok' }) ?? 0;
      const slowest = { ms: 0 };
      const broken = await scrapeUntil(
        url,
        (text) => errorsBefore('raid', text) > errorsBefore('raid', first) && errorsBefore('drives', text) > errorsBefore('drives', first),
        'the adversarial listing counted for raid and drives',
      );
      // The series go absent: an alert on them sees "no data", never the last good value.
      for (const [m, l] of HEALTHY) assert.equal(v(broken, m, l), undefined, `${m}${JSON.stringify(l)} absent while the answer is garbage`);
      // While the device keeps answering 2 MiB: /metrics answers within its bound, probes succeed.
      for (let i = 0; i < 10; i += 1) {
        const s = await scrape(url);
        slowest.ms = Math.max(slowest.ms, s.ms);
        assert.equal(v(s.text, 'rds_connection_state'), 1, 'garbage is not a lost connection');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const during = await scrapeUntil(url, (text) => (v(text, 'rds_probes_total', { result: 'ok' }) ?? 0) >= probesAt + 3, 'probes succeeding meanwhile');
      assert.equal(v(during, 'rds_reconnect_total', { status: 'success' }), connects, 'no reconnect');
      assert.ok(peer.sshd.commands().slice(seen).filter((c) => c === listing).length >= 2, 'the adversarial listing was read, not skipped');

      peer.sshd.setAdversarialAnswer(form === 'json' ? 'disk-json' : 'disk-terse', undefined);
      const back = await scrapeUntil(url, healthy, 'the series back once the device answers properly');
      assert.equal(v(back, 'rds_reconnect_total', { status: 'success' }), connects, 'still the first connection');
      // Reported for the record (not asserted beyond the bound: speed lives in bench/).
      process.stdout.write(`${form}: slowest /metrics during 2 MiB answers ${slowest.ms.toFixed(1)} ms\n`);
    });
  }
});
