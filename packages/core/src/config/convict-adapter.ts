import convict from 'convict';
import type { ConfigIssue } from '../errors/agent-error.js';
import { formatDuration, MAX_TIMER_MS } from './duration.js';
import { DURATION_EXPECTED, registerConfigFormats } from './formats.js';
import type { ConfigSchema, SchemaLeaf } from './schema-types.js';

/**
 * The one place convict is driven: a schema fragment, a raw value, and overrides in; the validated
 * properties and every issue (key prefixed, value shown unless sensitive) out. Around convict:
 * - a shape check first (a mapping where a setting is expected, a scalar where a section is), so
 *   convict never walks into a value it would crash on and no internal error text reaches a user;
 * - map-valued settings (`string-map`, keys with dots such as `service.name`) validated here, as
 *   convict would split their keys;
 * - ranges after: every duration between its `min` (0) and `max` (the timer limit), numbers
 *   between theirs.
 */

/** Where settings come from besides the file: environment (`RDS_AGENT_*`) and `--set key=value` flags. @internal */
export interface ConfigOverrides {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Dotted keys to string values, applied last (CLI flags); list items as `targets[0].monitor.probeInterval`. */
  readonly set?: Readonly<Record<string, string>>;
}

/** The variables' prefix: `RDS_AGENT_EXPORTERS_PROMETHEUS_PORT` for `exporters.prometheus.port`. @internal */
export const ENV_PREFIX = 'RDS_AGENT_';

/** `RDS_AGENT_EXPORTERS_PROMETHEUS_PORT` for `exporters.prometheus.port`. @internal */
export function envNameFor(path: string): string {
  return ENV_PREFIX + path.split('.').map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase()).join('_');
}

/** A leaf of a schema: a node with a `default`. */
export function isLeaf(node: unknown): node is SchemaLeaf<unknown> {
  return typeof node !== 'object' || node === null || Array.isArray(node) || 'default' in node;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Shows a value in a message: JSON, cut short (a config value can be huge). */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Copies a schema, giving every leaf an `env` name derived from its path (unless it has one). */
export function withEnv(schema: ConfigSchema, prefix: string): ConfigSchema {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(node)) out[key] = { env: envNameFor(path), ...(node as object) };
    else out[key] = withEnv(node as ConfigSchema, path);
  }
  return out as ConfigSchema;
}

/** Dotted paths of every `sensitive: true` leaf of a schema (for redaction). @internal */
export function sensitivePaths(schema: ConfigSchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(node)) {
      if ((node as { sensitive?: boolean }).sensitive === true) out.push(path);
    } else out.push(...sensitivePaths(node as ConfigSchema, path));
  }
  return out;
}

/** Every leaf of a schema with its dotted path. */
export function leavesOf(schema: ConfigSchema, prefix = ''): { path: string; leaf: SchemaLeaf<unknown> }[] {
  const out: { path: string; leaf: SchemaLeaf<unknown> }[] = [];
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(node)) out.push({ path, leaf: node as SchemaLeaf<unknown> });
    else out.push(...leavesOf(node as ConfigSchema, path));
  }
  return out;
}

const EXPECTED: Readonly<Record<string, string>> = {
  duration: DURATION_EXPECTED,
  port: 'a port number from 0 to 65535',
  'positive-int': 'a whole number greater than 0',
  'positive-number': 'a number greater than 0',
  'non-negative-number': 'a number of 0 or more',
  ratio: 'a number from 0 to 1',
  'strict-boolean': 'true or false',
  'string-list': 'a list of strings',
  'string-map': 'a mapping of names to strings',
  'file-path': 'a file path',
  host: 'a host name or IP address',
  url: 'an absolute URL',
};

/** What a leaf accepts, in words. */
export function describeLeaf(leaf: SchemaLeaf<unknown>): string {
  const f = leaf.format as unknown;
  if (typeof f === 'string' && EXPECTED[f]) return EXPECTED[f];
  if (Array.isArray(f)) return `one of: ${f.map((v) => JSON.stringify(v)).join(', ')}`;
  if (f === String) return 'a string';
  if (f === Number || f === 'int' || f === 'nat') return 'a number';
  if (Array.isArray(leaf.default)) return 'a list';
  return 'a single value';
}

/** A setting whose value is a mapping the user fills in (`string-map`, `Object`). */
function isMapLeaf(leaf: SchemaLeaf<unknown>): boolean {
  return isRecord(leaf.default);
}

/**
 * Removes (and reports) raw values whose shape cannot fit the schema: a mapping or list where a
 * single value is expected, a list where a mapping is, a value where a section of settings is.
 */
function checkShape(schema: ConfigSchema, raw: Record<string, unknown>, prefix: string, issues: ConfigIssue[], sensitive: ReadonlySet<string>, path = ''): void {
  for (const key of Object.keys(raw)) {
    const node = (schema as Record<string, unknown>)[key];
    if (node === undefined) continue; // convict's strict mode names unknown keys
    const here = path ? `${path}.${key}` : key;
    const value = raw[key];
    const shown = (): string => (sensitive.has(here) ? '' : `: value was ${show(value)}`);
    if (isLeaf(node)) {
      const leaf = node as SchemaLeaf<unknown>;
      if (isMapLeaf(leaf)) continue; // validated by takeMaps
      const wantsList = Array.isArray(leaf.default);
      const bad = wantsList ? isRecord(value) : isRecord(value) || (Array.isArray(value) && leaf.format !== Array);
      if (bad) {
        issues.push({ key: join(prefix, here), message: `must be ${describeLeaf(leaf)}${shown()}` });
        delete raw[key];
      }
    } else if (!isRecord(value)) {
      if (value !== undefined && value !== null) issues.push({ key: join(prefix, here), message: `must be a mapping of settings${shown()}` });
      delete raw[key];
    } else {
      checkShape(node as ConfigSchema, value, prefix, issues, sensitive, here);
    }
  }
}

/** Leaves whose default is a mapping (`string-map`, `Object`): their keys are data, not settings. */
function mapLeaves(schema: ConfigSchema, prefix: string[] = []): { path: string[]; format: unknown }[] {
  const out: { path: string[]; format: unknown }[] = [];
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    if (isLeaf(node)) {
      const leaf = node as { default?: unknown; format?: unknown };
      if (isRecord(leaf.default)) out.push({ path: [...prefix, key], format: leaf.format });
    } else out.push(...mapLeaves(node as ConfigSchema, [...prefix, key]));
  }
  return out;
}

function takeMaps(schema: ConfigSchema, raw: Record<string, unknown>, sensitive: ReadonlySet<string>): { values: [string[], unknown][]; issues: ConfigIssue[] } {
  const values: [string[], unknown][] = [];
  const issues: ConfigIssue[] = [];
  for (const { path, format } of mapLeaves(schema)) {
    const parent = path.slice(0, -1).reduce<unknown>((node, k) => (isRecord(node) ? node[k] : undefined), raw);
    const last = path[path.length - 1]!;
    if (!isRecord(parent) || !(last in parent)) continue;
    const value = parent[last];
    delete parent[last];
    const key = path.join('.');
    const shown = (v: unknown): string => (sensitive.has(key) ? '' : `: value was ${show(v)}`);
    if (!isRecord(value)) issues.push({ key, message: `must be a mapping of names to values${shown(value)}` });
    else if (format === 'string-map' && !Object.values(value).every((v) => typeof v === 'string')) {
      const bad = Object.keys(value).find((k) => typeof value[k] !== 'string')!;
      issues.push({ key: `${key}.${bad}`, message: `must be a string${shown(value[bad])}` });
    } else values.push([path, value]);
  }
  return { values, issues };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const k of path.slice(0, -1)) {
    if (!isRecord(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function getPath(target: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (isRecord(node) ? node[k] : undefined), target);
}

/** Durations and bounded numbers: a value outside its leaf's range names the key and the range. */
function checkRanges(schema: ConfigSchema, value: Record<string, unknown>, prefix: string, issues: ConfigIssue[], skip: (key: string) => boolean): void {
  for (const { path, leaf } of leavesOf(schema)) {
    const key = join(prefix, path);
    if (skip(key)) continue;
    const v = getPath(value, path);
    if (typeof v !== 'number') continue;
    if (leaf.format === 'duration') {
      const min = leaf.min ?? 0;
      const max = leaf.max ?? MAX_TIMER_MS;
      if (v < min || v > max) issues.push({ key, message: `must be a duration from ${formatDuration(min)} to ${durationMax(max)}: value was ${show(v)}` });
    } else if ((leaf.min !== undefined && v < leaf.min) || (leaf.max !== undefined && v > leaf.max)) {
      issues.push({ key, message: `must be from ${leaf.min ?? '-inf'} to ${leaf.max ?? 'inf'}: value was ${show(v)}` });
    }
  }
}

function durationMax(max: number): string {
  return max === MAX_TIMER_MS ? `${MAX_TIMER_MS}ms (about 24.8d, the longest timer Node.js honours)` : formatDuration(max);
}

/** Suggests a declared sibling key for a misspelt one (`server.hots` -> did you mean `host`?). */
function closest(path: string, schema: ConfigSchema): string {
  const parts = path.split('.');
  const last = parts.pop()!;
  let node: unknown = schema;
  for (const p of parts) node = isRecord(node) ? node[p] : undefined;
  if (!isRecord(node) || isLeaf(node)) return '';
  const candidates = Object.keys(node).filter((k) => editDistance(k.toLowerCase(), last.toLowerCase()) <= 2);
  return candidates.length > 0 ? `; did you mean "${candidates[0]}"?` : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function join(prefix: string, key: string): string {
  if (!prefix) return key;
  if (!key) return prefix;
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}

/**
 * Validates one section with convict and returns its properties plus every issue, keys prefixed
 * with `prefix`. The properties come back even when some are invalid, so callers can still check
 * the sections that are clean and report every mistake in one pass.
 *
 * @internal
 */
export function validateFragment(schema: ConfigSchema, raw: unknown, prefix: string, overrides: ConfigOverrides = {}): { value: Record<string, unknown>; issues: ConfigIssue[] } {
  registerConfigFormats();
  const issues: ConfigIssue[] = [];
  const sensitive = new Set(sensitivePaths(schema));
  if (raw !== undefined && raw !== null && !isRecord(raw)) {
    return { value: {}, issues: [{ key: prefix || '(config)', message: `must be a mapping of settings: value was ${show(raw)}` }] };
  }
  let conf: convict.Config<Record<string, unknown>>;
  try {
    conf = convict<Record<string, unknown>>(schema as convict.Schema<Record<string, unknown>>, { env: (overrides.env ?? {}) as NodeJS.ProcessEnv, args: [] });
  } catch (err) {
    // A bad default or environment value fails at construction; convict's message names the key.
    return { value: {}, issues: [{ key: prefix || '(schema)', message: readable(err) }] };
  }
  const rest = isRecord(raw) ? (structuredClone(raw) as Record<string, unknown>) : {};
  checkShape(schema, rest, prefix, issues, sensitive);
  const maps = takeMaps(schema, rest, sensitive);
  issues.push(...maps.issues.map((i) => ({ key: join(prefix, i.key), message: i.message })));
  const setKeys = new Set<string>();
  try {
    conf.load(rest);
  } catch (err) {
    issues.push({ key: prefix || '(config)', message: readable(err) });
  }
  for (const [key, value] of Object.entries(overrides.set ?? {})) {
    try {
      conf.set(key, value);
      setKeys.add(key);
    } catch (err) {
      issues.push({ key: join(prefix, key), message: readable(err) });
    }
  }
  const invalid = new Set<string>();
  try {
    conf.validate({ allowed: 'strict' });
  } catch (err) {
    for (const line of (err as Error).message.split('\n')) {
      if (line.trim() === '') continue;
      const undeclared = /^configuration param '(.+)' not declared in the schema$/.exec(line);
      if (undeclared) {
        const key = undeclared[1]!;
        issues.push({ key: join(prefix, key), message: `unknown setting (not in the schema)${closest(key, schema)}` });
        continue;
      }
      const colon = line.indexOf(': ');
      const key = colon > 0 ? line.slice(0, colon) : '';
      let message = colon > 0 ? line.slice(colon + 2) : line;
      // Convict leaves out falsy values (0, false, "") and shows coerced ones (null): show what was given.
      if (key && !sensitive.has(key)) {
        message = message.replace(/: value was .*$/, '');
        const given = setKeys.has(key) ? overrides.set![key] : safeGet(conf, key);
        message += `: value was ${show(given)}`;
      }
      invalid.add(join(prefix, key));
      issues.push({ key: join(prefix, key || '(config)'), message });
    }
  }
  let value: Record<string, unknown>;
  try {
    value = conf.getProperties() as Record<string, unknown>;
  } catch {
    value = {};
  }
  checkRanges(schema, value, prefix, issues, (key) => invalid.has(key));
  for (const [path, map] of maps.values) setPath(value, path, map);
  return { value, issues };
}

function safeGet(conf: convict.Config<Record<string, unknown>>, key: string): unknown {
  try {
    return conf.get(key);
  } catch {
    return undefined;
  }
}

/** A convict or JS error as a sentence for a user: never an internal TypeError's text. */
function readable(err: unknown): string {
  if (err instanceof TypeError || err instanceof RangeError) return 'has a value of the wrong shape (expected settings as the schema describes them)';
  return err instanceof Error ? err.message : String(err);
}
