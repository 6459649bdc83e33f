import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, eventually, FAST_SETTINGS, REPO_ROOT, runCli, simTarget, tempDir, waitForStatus, writeClientKey } from '../support/agent-cli.js';

const PLUGIN_ENTRY = join(REPO_ROOT, 'examples/tcp-transport-plugin/dist/index.js');

describe('third-party plugin: rds-agent-plugin-tcp loaded from the config', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let port: number;
  const sockets = new Set<Socket>();
  let sim: RdsSimulator;
  let simKey: string;

  before(async () => {
    tmp = await tempDir();
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      s.write('SSH-2.0-fake\r\n');
      s.on('data', (d) => s.write(d)); // echo: answers probe payloads
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    sim = await startRdsSimulator();
    simKey = await writeClientKey(tmp.dir, 'sim', sim);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sim.close();
    await tmp.cleanup();
  });

  const tcpTarget = (name: string, extra = ''): string =>
    `  - name: ${name}\n    transport: tcp\n    options:\n      host: 127.0.0.1\n      port: ${port}\n      expect: "SSH-"\n${extra}`;

  it('by path (relative to the config file): mixed tcp and rds-ssh targets in one agent; loss detected and recovered; clean stop', async () => {
    const file = join(tmp.dir, 'by-path.yaml');
    const pluginPath = relative(tmp.dir, PLUGIN_ENTRY);
    assert.ok(pluginPath.startsWith('..'), 'a real relative path');
    await writeFile(
      file,
      `${FAST_SETTINGS}plugins: [${JSON.stringify(pluginPath)}]\ntargets:\n${tcpTarget('tcp-1', '      probePayload: "ping\\n"\n')}${simTarget('rds-1', sim, simKey)}exporters:\n  prometheus:\n    enabled: true\n    port: 0\n`,
    );
    const validate = await runCli(['validate', '-c', file]);
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stdout, /tcp-1\/tcp, rds-1\/rds-ssh/);
    assert.match(validate.stdout, /plugins: rds-agent-plugin-tcp/);

    const agent = new AgentProcess(['run', '-c', file]);
    try {
      const url = await agent.prometheusUrl();
      await waitForStatus(url, (t) => t.get('tcp-1') === 'connected' && t.get('rds-1') === 'connected', { description: 'both targets connected' });
      assert.equal(sockets.size, 1);

      // The peer drops the connection: the plugin's onLost reports it, the monitor reconnects.
      const mark = agent.logs.length;
      for (const s of sockets) s.destroy();
      await agent.waitForLog((l) => l.target === 'tcp-1' && l.msg === 'connection lost', { from: mark, description: 'tcp-1 loss' });
      await agent.waitForLog((l) => l.target === 'tcp-1' && l.msg === 'reconnected', { from: mark, description: 'tcp-1 reconnected' });

      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /rds_connection_state\{[^}]*target="tcp-1"[^}]*\} 1/);
      // The plugin's own describe() labels reach rds_target_info (declared in its infoLabels), and
      // each transport's labels are "" on the other transport's targets.
      assert.match(metrics, /rds_target_info\{target="tcp-1",transport="tcp",expect="greeting",host="",host_key_verification="",port="",probe_mode="echo"\} 1/);
      assert.match(metrics, /rds_target_info\{target="rds-1",transport="rds-ssh",expect="",host="127\.0\.0\.1",host_key_verification="pinned",port="\d+",probe_mode="command"\} 1/);

      agent.signal('SIGTERM');
      assert.equal((await agent.waitForExit()).code, 0, agent.stderr);
      await eventually(() => sockets.size === 0 && sim.openConnections === 0, 5000, 'every connection closed at stop');
    } finally {
      agent.kill();
    }
  });

  it('by package name: validate and check load it like a published plugin', async () => {
    const file = join(tmp.dir, 'by-name.yaml');
    await writeFile(file, `${FAST_SETTINGS}plugins:\n  - rds-agent-plugin-tcp\ntargets:\n${tcpTarget('tcp-2')}`);
    const check = await runCli(['check', '-c', file]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^tcp-2\s+tcp\s+up\s/m);
  });

  it('a plugin path that does not exist: exit 2 naming plugins[0]', async () => {
    const file = join(tmp.dir, 'missing-plugin.yaml');
    await writeFile(file, `${FAST_SETTINGS}plugins: ["./no/such/plugin.js"]\ntargets:\n${tcpTarget('tcp-3')}`);
    const r = await runCli(['validate', '-c', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /plugins\[0\]/);
    assert.match(r.stderr, /RDS_AGENT_ERR_PLUGIN_LOAD/);
  });
});
