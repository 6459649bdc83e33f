import { parseDuration } from '@rds-agent/core';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/** An options table for `util.parseArgs`. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const satisfies CommandOptions;

/** The parsed values of an options table: strings, booleans, or lists of them with `multiple`. */
export type ParsedValues<O> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? (O[K] extends { multiple: true } ? boolean[] : boolean) : O[K] extends { multiple: true } ? string[] : string;
};

/**
 * `util.parseArgs` in strict mode with the common options added; a bad command line becomes a
 * {@link UsageError} (exit 2) instead of a TypeError with a stack.
 */
export function parseCommandArgs<const O extends CommandOptions>(
  args: readonly string[],
  options: O,
  allowPositionals = false,
): { values: ParsedValues<O & typeof COMMON_OPTIONS>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals });
    return { values: parsed.values as ParsedValues<O & typeof COMMON_OPTIONS>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--set a.b=1 --set c=x` as `{ 'a.b': '1', c: 'x' }` (later flags win). */
export function parseSetFlags(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value (a dotted config key, e.g. exporters.prometheus.port=9100): got ${JSON.stringify(item)}`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return out;
}

/** The `-c/--config` value, required by every command that reads a config. */
export function requireConfigPath(value: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const file = value ?? env['RDS_AGENT_CONFIG'];
  if (!file) throw new UsageError('missing -c/--config <file> (or RDS_AGENT_CONFIG)');
  return file;
}

/** Parses a duration flag (`500ms`, `2s`, `1m` or a number of ms) with core's duration grammar; must be > 0. */
export function parseDurationFlag(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`--${name} expects a duration like 500ms, 2s or 1m: got ${JSON.stringify(value)}`);
  if (ms <= 0) throw new UsageError(`--${name} must be greater than 0`);
  return ms;
}
