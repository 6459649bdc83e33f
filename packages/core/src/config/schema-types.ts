import type convict from 'convict';

/**
 * One setting of a schema: convict's schema object, typed by the setting's value. Use the agent's
 * formats for durations (`format: 'duration'`: `500ms`, `5s`, `1m30s` or a number of ms), ports
 * (`port`), files (`'file-path'`), and mark secrets `sensitive: true`.
 *
 * @public
 */
export interface SchemaLeaf<T> {
  readonly doc: string;
  /** A convict format: a registered name (`'duration'`, `'port'`, ...), a list of allowed values, or a validator. */
  readonly format: convict.SchemaObj['format'];
  readonly default: T;
  /** Never shown: redacted in `print-config`, errors and logs. */
  readonly sensitive?: boolean;
  /** Environment variable name; the agent derives `RDS_AGENT_<PATH>` when absent. */
  readonly env?: string;
  /** Whether `null` is a valid value besides the format's (convict's `nullable`). */
  readonly nullable?: boolean;
  /** Inclusive lower bound for numbers and durations (ms); a value below it names the key and the range. */
  readonly min?: number;
  /** Inclusive upper bound for numbers and durations (ms). */
  readonly max?: number;
}

/** Maps (string keys chosen by the user: `users`, `headers`) are one setting, not a section. */
type IsMap<T> = string extends keyof T ? true : false;

/**
 * A convict schema fragment typed by the options interface it produces: every key of `C` has a
 * leaf whose `default` has that key's type (or a nested section), and no other key is allowed, so
 * an options interface, its schema and its defaults cannot drift apart. `ConfigSchema` without a
 * type argument accepts any fragment (for code that handles schemas generically).
 *
 * ```ts
 * interface TcpOptions { readonly host: string; readonly port: number }
 * const schema: ConfigSchema<TcpOptions> = {
 *   host: { doc: 'Host name or address.', format: 'host', default: '' },
 *   port: { doc: 'TCP port.', format: 'port', default: 22 },
 * };
 * ```
 *
 * @public
 */
export type ConfigSchema<C = never> = [C] extends [never] ? UntypedSchema : TypedSchema<C>;

/** A schema fragment whose options type is not known here (the agent composes plugins' fragments). @public */
export interface UntypedSchema {
  readonly [key: string]: SchemaLeaf<unknown> | UntypedSchema;
}

type TypedSchema<C> = {
  readonly [K in keyof C]-?: C[K] extends string | number | boolean | null | readonly unknown[]
    ? SchemaLeaf<C[K]>
    : IsMap<C[K]> extends true
      ? SchemaLeaf<C[K]>
      : TypedSchema<C[K]>;
};

function isLeaf(node: unknown): node is SchemaLeaf<unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && 'default' in node;
}

/** The defaults a schema declares, as the options object it types: the one source of defaults. @public */
export function schemaDefaults<C>(schema: TypedSchema<C>): C {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    out[key] = isLeaf(node) ? structuredClone(node.default) : schemaDefaults(node as TypedSchema<unknown>);
  }
  return out as C;
}
