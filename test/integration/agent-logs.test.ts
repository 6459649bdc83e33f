import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LogEvent } from '@rds-agent/core';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, FAST_SETTINGS, simTarget, tempDir, writeClientKey, type LogLine } from '../support/agent-cli.js';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

describe('rds-agent run: the log lines an operator filters on', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  const sims: RdsSimulator[] = [];
  const agents: AgentProcess[] = [];

  before(async () => {
    tmp = await tempDir();
    for (let i = 0; i < 3; i++) sims.push(await startRdsSimulator());
  });
  after(async () => {
    for (const a of agents) a.kill();
    for (const s of sims) await s.close();
    await tmp.cleanup();
  });

  it('JSON lines: level names, and one stable event per security event, each key once', async () => {
    const [open, impostor, denied] = sims as [RdsSimulator, RdsSimulator, RdsSimulator];
    denied.rejectAuth(true);
    const looseKey = await writeClientKey(tmp.dir, 'open', open);
    await chmod(looseKey, 0o644);
    const impostorKey = await writeClientKey(tmp.dir, 'impostor', impostor);
    const deniedKey = await writeClientKey(tmp.dir, 'denied', denied);
    const pinnedElsewhere = `SHA256:${'A'.repeat(43)}`;
    const file = join(tmp.dir, 'events.yaml');
    await writeFile(
      file,
      `${FAST_SETTINGS}targets:\n` +
        `  - name: rds-open\n    transport: rds-ssh\n    options:\n      host: 127.0.0.1\n      port: ${open.port}\n      username: ${open.username}\n` +
        `      privateKeyFile: ${JSON.stringify(looseKey)}\n      insecureSkipHostKeyCheck: true\n` +
        simTarget('rds-impostor', impostor, impostorKey).replace(impostor.hostKeyFingerprint, pinnedElsewhere) +
        simTarget('rds-denied', denied, deniedKey),
    );
    const agent = new AgentProcess(['run', '-c', file]);
    agents.push(agent);
    const event = (name: string, target: string) => (l: LogLine) => l['event'] === name && l['target'] === target;

    const disabled = await agent.waitForLog(event(LogEvent.hostKeyCheckDisabled, 'rds-open'), { description: 'host_key_check_disabled' });
    assert.equal(disabled.level, 'warn');
    assert.equal(disabled['host_key_verification'], 'disabled');
    const readable = await agent.waitForLog(event(LogEvent.credentialFileReadable, 'rds-open'), { description: 'credential_file_readable' });
    assert.deepEqual([readable.level, readable['key'], readable['file'], readable['mode']], ['warn', 'privateKeyFile', looseKey, '644']);
    const mismatch = await agent.waitForLog(event(LogEvent.hostKeyMismatch, 'rds-impostor'), { description: 'host_key_mismatch' });
    assert.equal(mismatch.level, 'error');
    assert.deepEqual(mismatch['expected'], [pinnedElsewhere]);
    assert.equal(mismatch['presented'], impostor.hostKeyFingerprint);
    const refused = await agent.waitForLog(event(LogEvent.authFailed, 'rds-denied'), { description: 'auth_failed' });
    assert.deepEqual([refused.level, refused['code']], ['error', 'RDS_AGENT_ERR_AUTH']);
    // The connection is what the operator sees fail; the events are on the lines that say why.
    await agent.waitForLog((l) => l.target === 'rds-open' && l.msg === 'connected', { description: 'rds-open connected' });

    agent.signal('SIGTERM');
    assert.equal((await agent.waitForExit()).code, 0, agent.stderr);
    const json = agent.logs.filter((l) => l.level !== undefined);
    assert.ok(json.length > 5 && json.length === agent.logs.length, 'every line is a JSON log line');
    assert.deepEqual(
      json.filter((l) => !LEVELS.has(String(l.level))).map((l) => l.level),
      [],
      'every level is a name',
    );
    const events = new Set(json.flatMap((l) => (l['event'] === undefined ? [] : [String(l['event'])])));
    assert.deepEqual([...events].sort(), Object.values(LogEvent).sort(), 'no other event values');
  });

  it('logFormat pretty: human-readable lines for a terminal, with the level names', async () => {
    const [open] = sims as [RdsSimulator];
    open.rejectAuth(false);
    const key = await writeClientKey(tmp.dir, 'pretty', open);
    const file = join(tmp.dir, 'pretty.yaml');
    await writeFile(file, `${FAST_SETTINGS.replace('logFormat: json', 'logFormat: pretty')}targets:\n${simTarget('rds-pretty', open, key)}`);
    const agent = new AgentProcess(['run', '-c', file]);
    agents.push(agent);
    await agent.waitForLog((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: connected$/.test(String(l.msg)), { description: 'a pretty "connected" line' });
    agent.signal('SIGTERM');
    assert.equal((await agent.waitForExit()).code, 0, agent.stderr);
    assert.ok(agent.stdout.includes('target: "rds-pretty"'), agent.stdout);
    assert.ok(!agent.stdout.split('\n').some((l) => l.startsWith('{')), 'no JSON line');
  });
});
