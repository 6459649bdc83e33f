/**
 * A fake RouterOS for the input tests (the `.test.support` name keeps it out of the test run and
 * the published package): a RouterOsRunner that answers from a table of captured or constructed
 * outputs, records the commands it was asked, and answers what it does not know the way RouterOS
 * does (`bad command name ...`, exit 0).
 */
import type { Logger, TelemetryReading, TelemetrySample } from '@rds-agent/core';
import { FakeClock } from '@rds-agent/core/testing';
import { DISK_LISTING_JSON_COMMAND, DISK_LISTING_TEXT_COMMAND, JSON_PROBE_COMMAND, PACKAGES_JSON_COMMAND, PACKAGES_TEXT_COMMAND, RouterOsSession, type RouterOsRunner } from './routeros-session.js';
import { BTRFS_COMMANDS } from './filesystems.js';
import { HEALTH_COMMANDS } from './health.js';
import { INTERFACE_COMMANDS } from './interfaces.js';
import { SYSTEM_COMMANDS } from './system.js';
import * as S from './testdata/samples.js';

export type Answer = string | Error | ((signal: AbortSignal) => string | Promise<string>);

export class FakeRouterOs implements RouterOsRunner {
  readonly commands: string[] = [];
  private readonly answers = new Map<string, Answer>();
  private readonly patterns: [RegExp, (command: string) => string][] = [];

  constructor(answers: Readonly<Record<string, Answer>> = {}) {
    for (const [k, v] of Object.entries(answers)) this.answers.set(k, v);
  }

  /** Answers every command matching `pattern` (after the exact answers). */
  match(pattern: RegExp, answer: (command: string) => string): this {
    this.patterns.unshift([pattern, answer]);
    return this;
  }

  /** Sets (or with `undefined` removes) the answer to `command`. */
  set(command: string, answer: Answer | undefined): this {
    if (answer === undefined) this.answers.delete(command);
    else this.answers.set(command, answer);
    return this;
  }

  async run(command: string, options: { readonly signal: AbortSignal }): Promise<string> {
    this.commands.push(command);
    const answer = this.answers.get(command);
    const pattern = answer === undefined ? this.patterns.find(([p]) => p.test(command)) : undefined;
    if (pattern) return pattern[1](command);
    if (answer === undefined) return `bad command name ${command.replace(/^[:/]/, '').split(/[ /[]/)[0]} (line 1 column 2)\r\n`;
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return answer(options.signal);
    return answer;
  }

  /** How often `command` was run. */
  count(command: string): number {
    return this.commands.filter((c) => c === command).length;
  }
}

/** `monitor-traffic ... once` for any slot: the captured answer with the slot put in. */
const trafficOf = (command: string): string => S.MONITOR_TRAFFIC_STORAGE_POOL.replace('storage-pool', command.split(' ')[2]!);

/** An RDS2216 on RouterOS 7.24.1 that speaks `:serialize to=json` (the JSON forms). */
export function modernRds(): FakeRouterOs {
  return new FakeRouterOs({
    [JSON_PROBE_COMMAND]: '1\r\n',
    [PACKAGES_JSON_COMMAND]: S.PACKAGES_JSON,
    [SYSTEM_COMMANDS.json]: S.SYSTEM_RESOURCE_JSON,
    [HEALTH_COMMANDS.json]: S.HEALTH_JSON_X10,
    [DISK_LISTING_JSON_COMMAND]: S.DISK_JSON_RDS2216,
    [BTRFS_COMMANDS.json]: S.BTRFS_JSON,
    [INTERFACE_COMMANDS.json]: S.INTERFACES_JSON,
  }).match(/^\/disk monitor-traffic \S+ once$/, trafficOf);
}

/** The same RDS2216 answering only the text forms (`:serialize` unknown), with `smart-info` (7.23+). */
export function textRds(): FakeRouterOs {
  return new FakeRouterOs({
    [JSON_PROBE_COMMAND]: S.BAD_COMMAND_SERIALIZE,
    [PACKAGES_TEXT_COMMAND]: S.PACKAGES_TERSE,
    [SYSTEM_COMMANDS.text]: S.SYSTEM_RESOURCE_CHR,
    [HEALTH_COMMANDS.text]: S.HEALTH_TERSE_RDS,
    [DISK_LISTING_TEXT_COMMAND]: S.DISK_TERSE_RDS2216,
    [BTRFS_COMMANDS.text]: S.BTRFS_TERSE,
    [INTERFACE_COMMANDS.text]: S.INTERFACES_STATS_DETAIL,
    '/disk smart-info nvme1': S.SMART_INFO_NVME1,
  }).match(/^\/disk monitor-traffic \S+ once$/, trafficOf);
}

export interface LogLine {
  readonly level: string;
  readonly obj: unknown;
  readonly msg: string;
}

/** A Logger that keeps every line. */
export function capturingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void =>
      void lines.push(typeof obj === 'string' ? { level, obj: {}, msg: obj } : { level, obj, msg: msg ?? '' });
  const logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => logger, lines };
  return logger;
}

export function newSession(runner: RouterOsRunner, options: { clock?: FakeClock; logger?: Logger } = {}): RouterOsSession {
  return new RouterOsSession(runner, { clock: options.clock ?? new FakeClock(1_700_000_000_000), logger: options.logger ?? capturingLogger(), target: 'rds-test' });
}

export const signal = (): AbortSignal => new AbortController().signal;

/** The value of the sample of `metric` with exactly `labels` (or no labels). */
export function valueOf(reading: TelemetryReading | readonly TelemetrySample[], metric: string, labels?: Record<string, string>): number | undefined {
  const samples = 'samples' in reading ? reading.samples : reading;
  const want = JSON.stringify(Object.entries(labels ?? {}).sort());
  return samples.find((s) => s.metric === metric && JSON.stringify(Object.entries(s.labels ?? {}).sort()) === want)?.value;
}

/** Rejections as a plain record (`{ implausible: 1 }`). */
export function rejectedOf(reading: TelemetryReading): Record<string, number> {
  return Object.fromEntries((reading.rejected ?? []).map((r) => [r.reason, r.count]));
}
