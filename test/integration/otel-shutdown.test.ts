import 'reflect-metadata';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { metricsOf, OtlpReceiver, pointWith, valueOf, type OtlpTransport } from '../support/otlp-receiver.js';

const CHILD = fileURLToPath(new URL('../support/otlp-shutdown-child.js', import.meta.url));

/** Runs the child agent; resolves with its exit code and output, or rejects if it does not exit by itself. */
function runChild(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${timeoutMs} ms (something keeps it alive): ${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('otel exporter shutdown in a real process', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const satisfies readonly OtlpTransport[]) {
    it(`${protocol}: the last value arrives before the process exits on its own`, async () => {
      const value = 4321 + protocol.length;
      const { code, out } = await runChild([protocol, receiver.urlFor(protocol), String(value)], 15_000);
      assert.equal(code, 0, out);
      assert.match(out, /shutdown complete/);
      const got = receiver.received.filter((e) => e.transport === protocol);
      assert.equal(got.length, 1, 'exactly one export: the final flush');
      const delay = pointWith(metricsOf(got[0]!).get('rds.backoff.delay')?.gauge?.dataPoints, { target: 'last' });
      assert.ok(delay, 'the value recorded just before shutdown was exported');
      assert.equal(valueOf(delay), value / 1000);
    });
  }

  for (const protocol of ['http/protobuf', 'grpc'] as const) {
    it(`${protocol}: a hung or dead collector does not keep the process alive past the export timeout`, async () => {
      receiver.behaviour = { delayMs: 60_000 };
      try {
        const hung = await runChild([protocol, receiver.urlFor(protocol), '1', '1s'], 15_000);
        assert.equal(hung.code, 0, hung.out);
      } finally {
        receiver.behaviour = {};
      }
      await receiver.stop();
      try {
        const dead = await runChild([protocol, receiver.urlFor(protocol), '1', '1s'], 15_000);
        assert.equal(dead.code, 0, dead.out);
      } finally {
        await receiver.restart();
      }
    });
  }
});
