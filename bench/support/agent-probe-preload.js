// Preloaded into the real `rds-agent run` process (node --import) by the benches, never shipped:
// answers requests over the IPC channel for what only the process itself can see: its memory
// breakdown (process.memoryUsage, V8 heap spaces), its event-loop delay, and a heap snapshot
// (v8.writeHeapSnapshot, which runs a full GC first). The channel is unref'd so the agent's own
// lifecycle (SIGTERM, exit codes) is untouched.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';

if (typeof process.send === 'function') {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const handlers = {
    memory: () => ({ ...process.memoryUsage(), spaces: v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, used: s.space_used_size, size: s.space_size })) }),
    'loop-delay': ({ reset }) => {
      const out = { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, mean: delay.mean / 1e6 };
      if (reset) delay.reset();
      return out;
    },
    snapshot: ({ path }) => {
      const before = process.memoryUsage();
      const file = v8.writeHeapSnapshot(path);
      return { file, memory: before };
    },
  };
  process.on('message', (msg) => {
    if (!msg || typeof msg.cmd !== 'string' || !handlers[msg.cmd]) return;
    try {
      process.send({ id: msg.id, ok: true, result: handlers[msg.cmd](msg) });
    } catch (err) {
      process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
    }
  });
  process.channel?.unref();
}
