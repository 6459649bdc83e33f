// Request/response over a forked child's IPC channel, bounded in time; stop by PID.
import { fork } from 'node:child_process';

export class IpcChild {
  constructor(script, args = [], { execArgv = [], env } = {}) {
    this.child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv, ...(env ? { env } : {}) });
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.child.on('message', (msg) => {
      const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
      if (!p) {
        for (const l of this.listeners) l(msg);
        return;
      }
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    void this.exited.then(({ code, signal }) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`${script} exited (code ${code}, signal ${signal}) before answering`));
      }
      this.pending.clear();
    });
  }

  get pid() {
    return this.child.pid;
  }

  /** Unsolicited messages (events) from the child. */
  onMessage(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  request(cmd, payload = {}, timeoutMs = 120_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.send({ id, cmd, ...payload });
    });
  }

  /** SIGKILL by PID if it still runs, and wait for the exit. */
  async kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(this.child.pid, 'SIGKILL');
    await this.exited;
  }
}
