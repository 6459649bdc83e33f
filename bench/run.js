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
  { file: 'fleet-reconnect.js', args: ['--agents', quick ? '1000' : '10000'] },
];

const sections = [];
for (const { file, args } of benches) {
  process.stderr.write(`running bench/${file} ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, [join(here, file), ...args], { encoding: 'utf8', timeout: 20 * 60_000 });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`bench/${file} failed with status ${run.status}`);
  }
  process.stdout.write(run.stdout + '\n');
  sections.push(run.stdout.trim());
}

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
    '',
  ];
  writeFileSync(join(here, '..', 'BENCHMARKS.md'), [...header, ...sections.map((s) => s.replace(/^## /, '## ')), ''].join('\n\n').replace(/\n{3,}/g, '\n\n'));
  process.stderr.write('wrote BENCHMARKS.md\n');
}
