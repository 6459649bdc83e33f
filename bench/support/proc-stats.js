// CPU and memory of other processes, read from /proc (Linux): works the same for the agent, a bare
// ssh2 client, the simulators, sshd and blackbox-exporter, and keeps working while the measured
// process is starved (nothing is asked of its event loop). CPU is at the kernel's tick resolution
// (getconf CLK_TCK, 100 Hz here: 10 ms), so measurement windows are chosen long enough for it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const MS_PER_TICK = 1000 / TICKS_PER_SECOND;

/**
 * CPU time of `pid` in ms: own user + system, and (`withChildren`) that of its reaped children
 * (sshd's forked sessions and forced commands land there). Undefined when the process is gone.
 */
export function cpuMs(pid, { withChildren = false } = {}) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the parenthesised command name: state is field 3; utime 14, stime 15, cutime 16, cstime 17.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(f[11]) + Number(f[12]);
  const children = Number(f[13]) + Number(f[14]);
  return (own + (withChildren ? children : 0)) * MS_PER_TICK;
}

/** Sum of {@link cpuMs} over `pids` (processes that are gone count 0). */
export function totalCpuMs(pids, options) {
  let sum = 0;
  for (const pid of pids) sum += cpuMs(pid, options) ?? 0;
  return sum;
}

/** Resident set size and its peak (VmHWM) in bytes, from /proc/<pid>/status. */
export function memoryOf(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (key) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { rss: kib('VmRSS'), peak: kib('VmHWM'), anon: kib('RssAnon') };
}

/** Child PIDs of `pid` (direct children only), from /proc/<pid>/task/<pid>/children. */
export function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `pid` and every descendant (sshd: listener, per-connection monitors, post-login processes). */
export function processTree(pid) {
  const out = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop();
    out.push(p);
    stack.push(...childPids(p));
  }
  return out;
}

/** The 1-minute load average (other work on the host shows here). */
export function loadAverage() {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** Busy and total jiffies of the whole machine (all cores), for "how loaded was the host" lines. */
export function machineTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
