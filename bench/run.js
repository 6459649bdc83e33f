// Runs every benchmark and writes BENCHMARKS.md (machine, date, and each bench's table of ratios
// against the baseline it measures in the same run). `npm run bench` (builds first); add --quick
// for a short run that does not rewrite BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const benches = [
  { file: 'prometheus-scrape.js', args: quick ? ['--quick'] : [] },
  { file: 'auth-flood.js', args: quick ? ['--quick'] : [] },
  // The full run also redraws the plot BENCHMARKS.md shows and compares other outage lengths.
  { file: 'reconnect-storm.js', args: quick ? ['--agents', '1000'] : ['--svg', join(here, 'results', 'reconnect-storm.svg'), '--sweep', '2,10'] },
  { file: 'parsers.js', args: quick ? ['--quick'] : [] },
  // The real agent over real SSH; each needs root (sshd) or spawns simulators, hogs and Prometheus.
  { file: 'detection.js', args: quick ? ['--quick'] : [] },
  { file: 'probe-cost.js', args: quick ? ['--quick'] : [] },
  { file: 'memory.js', args: quick ? ['--quick'] : [] },
  { file: 'fleet-1000.js', args: quick ? ['--quick'] : [] },
];

const sections = [];
const durations = [];
const failed = [];
const runStarted = Date.now();
for (const { file, args } of benches) {
  process.stderr.write(`running bench/${file} ${args.join(' ')}\n`);
  const started = Date.now();
  // Progress lines (stderr) pass through; the markdown (stdout) is collected.
  const run = spawnSync(process.execPath, [join(here, file), ...args], { encoding: 'utf8', timeout: 20 * 60_000, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  durations.push(`${file} ${Math.round((Date.now() - started) / 1000)} s`);
  if (run.status !== 0) {
    // One broken bench must not hide the others' numbers: report it in place and carry on.
    failed.push(file);
    process.stderr.write(run.stdout ?? '');
    sections.push(`## bench/${file}\n\n**failed** (status ${run.status}${run.signal ? `, signal ${run.signal}` : ''}${run.error ? `, ${run.error.message}` : ''}); its output is not included.`);
    continue;
  }
  process.stdout.write(run.stdout + '\n');
  sections.push(run.stdout.trim());
}
process.stderr.write(`bench durations: ${durations.join(', ')}; total ${Math.round((Date.now() - runStarted) / 1000)} s\n`);

if (!quick) {
  const cpu = cpus();
  const header = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (bench/run.js). Each table compares against a baseline measured in the',
    'same run on the same machine, so read the ratios, not the absolute numbers.',
    '',
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`,
    `- run time: ${durations.join(', ')}; total ${Math.round((Date.now() - runStarted) / 1000)} s`,
    '',
    'Reading them:',
    '',
    '- **Scrape cost.** A running agent: 1,000 targets with the series of connection health and every',
    '  device metric, churned at the rate probes and telemetry produce, against a bare prom-client server',
    '  holding the same series (same run). Under a CPU hog on both cores, a scraper in its own process',
    '  scrapes every second with a 1 s timeout.',
    '- **Auth flood.** An authenticated scrape\'s latency while 50 clients send wrong basic-auth passwords,',
    '  against the same scrape with no flood.',
    '- **Reconnect storm.** 10,000 agents lose one RDS at once; it is back after 30 s and accepts 200',
    '  connections per 100 ms. Event-driven detection with no first-attempt jitter puts the whole fleet on',
    '  the network in one millisecond; the reference\'s 5 s poll spread it over 5 s, at the price of noticing',
    '  the loss up to 5 s late. The default first-attempt delay (a draw in [1.5 s, 12 s]) keeps detection',
    '  instant and spreads the fleet wider than the poll did: a lower peak, a gentler wave when the RDS',
    '  returns, and everyone connected sooner. The sweep shows the price: after a short outage (2 s) the',
    '  fleet takes a few seconds longer than the reference to be back, and when the RDS returns inside the',
    '  first-attempt window (10 s) the wave after the return is higher than the reference\'s, though the',
    '  fleet is back sooner.',
    '- **Parsers.** Every RouterOS parser and input on adversarial answers up to the 2 MiB output cap,',
    '  against the quadratic parsers they replaced: the longest event-loop block is what counts.',
    '- **Detection, probe cost, memory, fleet.** The real agent over real SSH (OpenSSH sshd, or simulated',
    '  RDS devices in separate processes), each next to a bare ssh2 client doing the same work in the same',
    '  run: how fast a dead or hung peer is found, CPU per probe, memory per target, and 1,000 targets',
    '  at start-up, steady, scraped, and on a host saturated by another process with a third flapping.',
    '  The machine is shared; absolute numbers move between runs, the ratios less so.',
  ].join('\n');
  writeFileSync(join(here, '..', 'BENCHMARKS.md'), `${header}\n\n${sections.join('\n\n')}\n`);
  process.stderr.write('wrote BENCHMARKS.md\n');
}
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
