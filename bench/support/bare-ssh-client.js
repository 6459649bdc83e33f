// Parent side of bare-ssh-client-child.js.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IpcChild } from './ipc-child.js';
import { cpuMs, memoryOf } from './proc-stats.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'bare-ssh-client-child.js');

export class BareSshClient {
  /** `config`: { ports, username, keyFile, fingerprint, mode, intervalMs, deadlineMs, ... } (see the child). */
  static async start(config) {
    const client = new BareSshClient();
    await client.child.request('start', { config });
    return client;
  }

  constructor() {
    this.child = new IpcChild(CHILD);
    this.startedAt = Date.now();
    this.events = [];
    this.child.onMessage((msg) => {
      if (msg.event) this.events.push(msg);
      for (const l of this.listeners) l(msg);
    });
    this.listeners = new Set();
  }

  get pid() {
    return this.child.pid;
  }

  onEvent(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats() {
    return this.child.request('stats');
  }

  reset() {
    return this.child.request('reset');
  }

  /** process.memoryUsage() of the client process. */
  memoryUsage() {
    return this.child.request('memory');
  }

  /** Writes a heap snapshot of the client process to `path`. */
  snapshot(path) {
    return this.child.request('snapshot', { path }, 600_000);
  }

  cpuMs() {
    return cpuMs(this.pid) ?? NaN;
  }

  memory() {
    return memoryOf(this.pid);
  }

  async stop() {
    try {
      await this.child.request('stop', {}, 10_000);
    } catch {
      // killed below
    }
    await this.child.kill();
  }
}
