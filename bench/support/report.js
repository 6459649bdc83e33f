// Markdown output of the benches: a header naming the machine, date and host load, and tables.
import { cpus, platform, release, totalmem } from 'node:os';
import { loadAverage } from './proc-stats.js';

export function machineLine() {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`;
}

/** `## title` and the lines every bench prints: date, machine, 1-minute load average at the start. */
export function header(title, lines = []) {
  return [`## ${title}`, '', `- date: ${new Date().toISOString()}`, `- machine: ${machineLine()}`, `- load average (1 min) at start: ${loadAverage()}`, ...lines.map((l) => `- ${l}`), ''].join('\n');
}

/** A markdown table; `align` is a string of `l`/`r` per column (default: first left, rest right). */
export function table(columns, rows, align) {
  const a = align ?? 'l' + 'r'.repeat(columns.length - 1);
  const sep = [...a].map((c) => (c === 'r' ? '---:' : '---'));
  const line = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(columns), `|${sep.join('|')}|`, ...rows.map(line)].join('\n');
}

/** Progress to stderr (stdout carries only the markdown). */
export function progress(message) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
