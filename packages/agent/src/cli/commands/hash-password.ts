import { BCRYPT_MAX_PASSWORD_BYTES, DEFAULT_BCRYPT_COST, exceedsBcryptLimit, hashPassword } from '@rds-agent/exporter-prometheus';
import type { CliIo, CliStdin } from '../cli-io.js';
import { defineCommand, type Command } from '../command.js';
import { UsageError } from '../usage-error.js';

/** Costs offered: below 8 is weak; above 14 a check (~1.2 s at 14 here) outlasts basicAuth.failureDelay. */
const MIN_COST = 8;
const MAX_COST = 14;
/** Read no more than this from a pipe: anything longer is refused anyway. */
const MAX_INPUT_BYTES = 4096;

export const hashPasswordCommand: Command = defineCommand({
  name: 'hash-password',
  summary: 'print a bcrypt hash of a password (from stdin) for exporters.prometheus.basicAuth.users',
  help: `Usage: rds-agent hash-password [--cost ${DEFAULT_BCRYPT_COST}]

Reads a password and prints its bcrypt hash, for the metrics endpoint's users:

  exporters:
    prometheus:
      basicAuth:
        users:
          prometheus: "<the printed hash>"

At a terminal the password is asked for twice, without echo. Otherwise it is read
from standard input (one trailing newline is dropped), so it never appears in the
shell history or the process list:

  rds-agent hash-password < /etc/prometheus/rds-agent.password

bcrypt uses only the first ${BCRYPT_MAX_PASSWORD_BYTES} bytes of a password, so a longer one is refused
(a hash of it would accept any password sharing those bytes): use ${BCRYPT_MAX_PASSWORD_BYTES} bytes or
fewer, or a "sha256:<hex>" hash of a long random password.

Options:
  --cost <n>   bcrypt cost, ${MIN_COST} to ${MAX_COST} (default ${DEFAULT_BCRYPT_COST}); each step doubles the CPU time
               of every check the exporter makes for a new or changed header
  --debug      print stack traces with errors
  -h, --help   show this help

Exit codes: 0 printed, 2 no password, a password longer than ${BCRYPT_MAX_PASSWORD_BYTES} bytes, or bad usage.
`,
  options: { cost: { type: 'string' } },
  async execute({ values, io }) {
    const cost = parseCost(values.cost);
    const stdin = io.stdin;
    if (!stdin) throw new UsageError('no standard input to read the password from');
    const password = stdin.isTTY && typeof stdin.setRawMode === 'function' ? await promptTwice(stdin, io) : await readPiped(stdin);
    if (password === '') throw new UsageError('the password is empty');
    if (exceedsBcryptLimit(password)) {
      throw new UsageError(
        `the password is ${Buffer.byteLength(password, 'utf8')} bytes; bcrypt uses only the first ${BCRYPT_MAX_PASSWORD_BYTES}, so any password sharing them would be accepted too: ` +
          `use at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes, or a "sha256:" hash of a long random password`,
      );
    }
    io.stdout.write(`${await hashPassword(password, cost)}\n`);
    return 0;
  },
});

function parseCost(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BCRYPT_COST;
  const cost = Number(value);
  if (!/^\d+$/.test(value) || cost < MIN_COST || cost > MAX_COST) {
    throw new UsageError(`--cost expects a whole number from ${MIN_COST} to ${MAX_COST}: got ${JSON.stringify(value)}`);
  }
  return cost;
}

/** Everything on a pipe or file (bounded), without one trailing newline. */
async function readPiped(stdin: CliStdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    chunks.push(buf);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) break; // refused as too long below; no need to read on
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks for the password and its confirmation at the terminal, echoing nothing. */
async function promptTwice(stdin: CliStdin, io: CliIo): Promise<string> {
  const first = await promptHidden(stdin, io, 'Password: ');
  if (first === '') return first;
  const again = await promptHidden(stdin, io, 'Repeat password: ');
  if (again !== first) throw new UsageError('the two passwords differ');
  return first;
}

/** One line typed in raw mode: Enter ends it, Backspace deletes, Ctrl-C or Ctrl-D on an empty line aborts. */
function promptHidden(stdin: CliStdin, io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  stdin.setRawMode!(true);
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    const done = (err?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || (ch === '\u0004' && typed === '')) return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
