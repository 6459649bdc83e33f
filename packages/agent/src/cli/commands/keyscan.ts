import { SystemClock } from '@rds-agent/core/host';
import { keyscan } from '@rds-agent/rds-ssh-plugin';
import { defineCommand, type Command } from '../command.js';
import { parseDurationFlag } from '../parse-args.js';
import { UsageError } from '../usage-error.js';

/** `host`, `host:port`, `[v6::addr]:port` or a bare IPv6 address. */
export function parseHostPort(value: string, defaultPort = 22): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  let host: string;
  let port: string | undefined;
  if (bracketed) [, host, port] = bracketed as unknown as [string, string, string | undefined];
  else if ((value.match(/:/g) ?? []).length === 1) [host, port] = value.split(':') as [string, string];
  else host = value;
  const n = port === undefined ? defaultPort : Number(port);
  if (!host || !Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`expected host[:port] (port 1-65535): got ${JSON.stringify(value)}`);
  return { host, port: n };
}

export const keyscanCommand: Command = defineCommand({
  name: 'keyscan',
  summary: 'print an SSH host key fingerprint in the form the config pins it',
  help: `Usage: rds-agent keyscan <host[:port]> [--timeout 10s]

Connects just far enough to receive the SSH host key (no login is attempted)
and prints its fingerprint as a config line:

  hostKeyFingerprints: ["SHA256:..."]

This is trust-on-first-use made explicit: before pasting the line into a
target's options, compare the fingerprint with the one the device reports
(RouterOS: /ip ssh print, or the console of the RDS). A pinned key that later
changes makes the agent refuse the connection (reason host-key-mismatch).

Options:
  --timeout <dur>   deadline for connect + key exchange (default 10s)
  --debug           print stack traces with errors
  -h, --help        show this help

Exit codes: 0 printed, 1 no key received (unreachable, not SSH), 2 bad usage.
`,
  options: { timeout: { type: 'string' } },
  allowPositionals: true,
  async execute(context) {
    const { values, positionals, io } = context;
    if (positionals.length !== 1) throw new UsageError('expected exactly one <host[:port]>');
    const { host, port } = parseHostPort(positionals[0]!);
    const keys = await keyscan(host, port, { clock: new SystemClock(), timeoutMs: parseDurationFlag('timeout', values.timeout, 10_000) });
    if (keys.length === 0) throw new Error(`${host}:${port} sent no host key`);
    const where = port === 22 ? host : `[${host}]:${port}`;
    for (const k of keys) io.stdout.write(`# ${where} ${k.type} ${k.fingerprint}\n`);
    io.stdout.write(`# Compare with the fingerprint the device shows before trusting it (trust on first use).\n`);
    io.stdout.write(`hostKeyFingerprints: [${keys.map((k) => JSON.stringify(k.fingerprint)).join(', ')}]\n`);
    return 0;
  },
});
