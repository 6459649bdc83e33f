// A fleet of RDS simulators in child processes apart from the agent (and from the bench), one host
// key shared by all so a config can pin it, one client key authorized on all. Targets are numbered
// 0..count-1 and spread over the processes in blocks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '@rds-agent/rds-ssh-plugin/testing';
import { IpcChild } from './ipc-child.js';
import { cpuMs } from './proc-stats.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'sim-fleet-child.js');

export class SimFleet {
  static async start({ count, processes = Math.min(4, Math.max(1, Math.ceil(count / 250))), username = 'admin', keepaliveMode } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'rds-bench-fleet-'));
    const hostKey = generateKeyPair('ed25519').private;
    const client = generateKeyPair('ed25519');
    const keyFile = join(dir, 'client_key');
    writeFileSync(keyFile, client.private, { mode: 0o600 });
    const fleet = new SimFleet(dir, keyFile, username);
    const per = Math.ceil(count / processes);
    try {
      const starts = [];
      for (let p = 0, first = 0; first < count; p++, first += per) {
        const n = Math.min(per, count - first);
        const child = new IpcChild(CHILD);
        fleet.children.push({ child, first, count: n });
        starts.push(child.request('start', { count: n, hostKey, clientPublicKey: client.public, username, keepaliveMode }, 300_000));
      }
      const results = await Promise.all(starts);
      for (const r of results) fleet.ports.push(...r.ports);
      fleet.fingerprint = results[0].fingerprint;
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    return fleet;
  }

  constructor(dir, keyFile, username) {
    this.dir = dir;
    this.keyFile = keyFile;
    this.username = username;
    this.children = [];
    this.ports = [];
    this.fingerprint = '';
  }

  get count() {
    return this.ports.length;
  }

  get pids() {
    return this.children.map((c) => c.child.pid);
  }

  /** CPU ms of all simulator processes. */
  cpuMs() {
    return this.pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
  }

  /** Splits global target indices per child: [{ child, indices (local) }]. */
  byChild(indices) {
    return this.children
      .map((c) => ({ child: c.child, indices: indices.filter((i) => i >= c.first && i < c.first + c.count).map((i) => i - c.first) }))
      .filter((g) => g.indices.length > 0);
  }

  async each(cmd, indices, payload = {}) {
    return Promise.all(this.byChild(indices).map((g) => g.child.request(cmd, { ...payload, indices: g.indices })));
  }

  flap(indices, periodMs) {
    return this.each('flap', indices, { periodMs });
  }

  stopFlapping() {
    return Promise.all(this.children.map((c) => c.child.request('stop-flapping')));
  }

  drop(indices) {
    return this.each('drop', indices);
  }

  async stats() {
    const all = await Promise.all(this.children.map((c) => c.child.request('stats')));
    return all.reduce((a, s) => ({ openConnections: a.openConnections + s.openConnections, totalConnections: a.totalConnections + s.totalConnections, totalCommands: a.totalCommands + s.totalCommands }), {
      openConnections: 0,
      totalConnections: 0,
      totalCommands: 0,
    });
  }

  /** Closes every simulator, then makes sure each child is gone (SIGKILL by PID). Idempotent. */
  async stop() {
    await Promise.all(
      this.children.map(async ({ child }) => {
        try {
          await child.request('close', {}, 20_000);
        } catch {
          // gone or stuck: killed below
        }
        await child.kill();
      }),
    );
    this.children = [];
    rmSync(this.dir, { recursive: true, force: true });
  }
}
