// A loaded host: one busy child process per core, at the same priority as everything else, for a
// bounded time. Stopped by PID (and each hog exits by itself after `maxMs`, so none outlives a
// crashed bench).
import { spawn } from 'node:child_process';

export function startCpuHogs(count, { maxMs = 15 * 60_000 } = {}) {
  const children = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['-e', `const end = Date.now() + ${maxMs}; while (Date.now() < end) { for (let i = 0; i < 1e6; i++); }`], { stdio: 'ignore' });
    children.push(child);
  }
  return {
    pids: children.map((c) => c.pid),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              process.kill(c.pid, 'SIGKILL');
            }),
        ),
      );
    },
  };
}
