import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentProcess, FAST_SETTINGS, tempDir, waitForStatus } from '../support/agent-cli.js';

// A third-party transport with bugs: after connecting it leaves a rejected promise nobody handles,
// or throws from a timer. The agent must contain the first and stop cleanly (exit 1) on the second.
const FAULTY_PLUGIN = `
export default {
  name: 'faulty-plugin',
  apiVersion: '^0.2.0',
  register(host) {
    host.addTransport('faulty', {
      schema: { mode: { doc: 'which bug', format: ['rejection', 'exception'], default: 'rejection' } },
      create(config) {
        let lost = new Set();
        return {
          async connect() {
            if (config.mode === 'rejection') void Promise.reject(new Error('stray rejection from a plugin'));
            else setTimeout(() => { throw new Error('thrown from a plugin timer'); }, 50);
          },
          async probe() { return { mode: 'faulty' }; },
          async close() {},
          onLost(listener) { lost.add(listener); return () => lost.delete(listener); },
        };
      },
    });
  },
};
`;

describe('a faulty third-party plugin cannot crash the agent', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
    await writeFile(join(tmp.dir, 'faulty-plugin.mjs'), FAULTY_PLUGIN);
  });
  after(() => tmp.cleanup());

  const config = async (mode: string): Promise<string> => {
    const file = join(tmp.dir, `${mode}.yaml`);
    await writeFile(
      file,
      `${FAST_SETTINGS}plugins: ["./faulty-plugin.mjs"]\ntargets:\n  - name: buggy\n    transport: faulty\n    options: { mode: ${mode} }\nexporters:\n  prometheus:\n    enabled: true\n    port: 0\n`,
    );
    return file;
  };

  it('an unhandled rejection is logged and contained; the target stays monitored; SIGTERM exits 0', async () => {
    const agent = new AgentProcess(['run', '-c', await config('rejection')]);
    try {
      const url = await agent.prometheusUrl();
      await agent.waitForLog((l) => /unhandled promise rejection/.test(String(l.msg)) && /stray rejection/.test(String(l['err'])), {
        description: 'the contained rejection logged',
      });
      await waitForStatus(url, (t) => t.get('buggy') === 'connected', { description: 'buggy target still connected' });
      assert.ok(agent.running);
      agent.signal('SIGTERM');
      assert.equal((await agent.waitForExit()).code, 0);
    } finally {
      agent.kill();
    }
  });

  it('an uncaught exception stops the agent gracefully with exit 1 (for the supervisor to restart it)', async () => {
    const agent = new AgentProcess(['run', '-c', await config('exception')]);
    try {
      await agent.waitForLog((l) => /uncaught exception/.test(String(l.msg)) && /thrown from a plugin timer/.test(String(l['err'])), {
        description: 'the uncaught exception logged as fatal',
      });
      await agent.waitForLog((l) => l.msg === 'agent stopped', { description: 'a graceful stop' });
      assert.equal((await agent.waitForExit()).code, 1);
    } finally {
      agent.kill();
    }
  });
});
