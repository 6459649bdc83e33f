import { pino, type LogFn, type LoggerOptions } from 'pino';

/**
 * The logging surface plugins and core code use: a subset of pino's, so a pino logger satisfies it.
 * Log structured fields first, message second: `logger.warn({ reason }, 'connection lost')`.
 *
 * A logger handed to a plugin is already bound to its context with {@link Logger.child}: a
 * transport's to `{ target }`, an exporter's to `{ exporter }`, a plugin host's to `{ plugin }`.
 * Call sites MUST NOT repeat a bound key: every key appears once per line. (The agent's logger
 * enforces it: a repeated bound key is dropped and the bound value written.)
 *
 * @public
 */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  fatal(obj: object | string, msg?: string): void;
  /** A logger that adds `bindings` to every line. A key this logger is already bound to keeps its value. */
  child(bindings: Record<string, unknown>): Logger;
}

/** @public */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Paths pino censors in every log line, whatever a caller passes. A second line of defence: secrets
 * are read from files and never put into log fields in the first place.
 *
 * @internal
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'password',
  'passphrase',
  'privateKey',
  'authorization',
  'headers',
  '*.password',
  '*.passphrase',
  '*.privateKey',
  '*.authorization',
  '*.headers',
];

/** Keys pino writes on every line before the bindings and the call site's fields. */
const LINE_KEYS = ['level', 'time'] as const;

/**
 * Builds the agent's pino logger: JSON lines with the level as its name (`"level":"info"`, what
 * journald users and log shippers filter on; pino's default is a number), each key once per line
 * (pino itself appends a child's bindings and the call site's fields as they come, so a key passed
 * twice appears twice and JSON readers keep only the last). Pretty output is the CLI's choice.
 *
 * @internal
 */
export function createLogger(level: LogLevel = 'info', options: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const opts: LoggerOptions = {
    level,
    base: { name: 'rds-agent' },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    hooks: { logMethod: withoutBoundKeys },
    ...options,
  };
  const root = destination ? pino(opts, destination) : pino(opts);
  // Every child is made from `root` by prototype (pino's child() is Object.create(parent)), so
  // this one override covers children of children too.
  type ChildFn = (this: pino.Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => pino.Logger;
  const pinoChild = root.child as unknown as ChildFn;
  const child: ChildFn = function (bindings, options) {
    return pinoChild.call(this, withoutKeys(bindings, boundKeys(this)) ?? bindings, options);
  };
  root.child = child as unknown as typeof root.child;
  return root;
}

/** A logger that drops everything (tests, library use without logging). @internal */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** The keys a pino logger writes on every line by itself: its level and time, its base and child bindings. Read once per logger. */
const boundKeysCache = new WeakMap<pino.Logger, ReadonlySet<string>>();

function boundKeys(logger: pino.Logger): ReadonlySet<string> {
  let keys = boundKeysCache.get(logger);
  if (keys === undefined) {
    keys = new Set([...LINE_KEYS, ...Object.keys(logger.bindings())]);
    boundKeysCache.set(logger, keys);
  }
  return keys;
}

/** pino's `logMethod` hook: a call site's field under a key the line already has is dropped. */
function withoutBoundKeys(this: pino.Logger, args: Parameters<LogFn>, method: LogFn): void {
  const fields: unknown = args[0];
  if (typeof fields === 'object' && fields !== null && !(fields instanceof Error)) {
    const kept = withoutKeys(fields as Record<string, unknown>, boundKeys(this), args.length > 1 ? 'msg' : undefined);
    if (kept !== undefined) args[0] = kept;
  }
  method.apply(this, args);
}

/** A copy of `fields` without `keys` (and `extra`), or undefined when it has none of them (the common case: no copy). */
function withoutKeys(fields: Record<string, unknown>, keys: ReadonlySet<string>, extra?: string): Record<string, unknown> | undefined {
  let copy: Record<string, unknown> | undefined;
  for (const key of keys) {
    if (Object.hasOwn(fields, key)) {
      copy ??= { ...fields };
      delete copy[key];
    }
  }
  if (extra !== undefined && Object.hasOwn(fields, extra)) {
    copy ??= { ...fields };
    delete copy[extra];
  }
  return copy;
}
