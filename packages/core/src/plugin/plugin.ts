import { readFileSync } from 'node:fs';
import type { BackoffDefinition } from '../backoff/backoff.js';
import type { ConfigSchema } from '../config/schema-types.js';
import type { Logger } from '../logging/logger.js';
import type { ExporterDefinition } from '../metrics/exporter.js';
import type { ReconnectHook } from '../monitor/reconnect-hook.js';
import type { TransportDefinition } from '../transport/transport-definition.js';

/**
 * The version of `@rds-agent/core` (its package.json): the one version contract of the plugin API.
 * A plugin declares the range of core versions it was written against in `apiVersion`, the same
 * range as its `peerDependencies['@rds-agent/core']`; the loader refuses a plugin whose range does
 * not include this version.
 *
 * @public
 */
export const CORE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** @deprecated The plugin API is versioned by core's package version: use {@link CORE_VERSION}. @public */
export const PLUGIN_API_VERSION: string = CORE_VERSION;

/**
 * What a plugin gets to register with: a small facade, never the DI container.
 * Registration MUST only declare things: no sockets, no timers. Work starts when the agent starts.
 *
 * @public
 */
export interface PluginHost {
  /** Bound to `{ plugin: <name> }`: lines MUST NOT repeat it. */
  readonly logger: Logger;
  /** Adds a transport type usable as a target's `transport:`. Names are unique across plugins. */
  addTransport<C>(type: string, definition: TransportDefinition<C>): void;
  /** Adds an exporter type, configured under `exporters.<type>`. */
  addExporter<C>(type: string, definition: ExporterDefinition<C>): void;
  /** Adds a backoff strategy usable as `backoff.strategy`. */
  addBackoff<P>(name: string, definition: BackoffDefinition<P>): void;
  /** Adds a hook run after every (re)connection of every target. */
  addReconnectHook(name: string, hook: ReconnectHook): void;
  /** Runs at agent shutdown, in reverse order of registration. */
  onClose(hook: () => void | Promise<void>): void;
}

/**
 * An rds-agent plugin: a name, the core plugin API range it supports, an optional config schema
 * (its settings under `plugins[].config`), and `register`.
 *
 * @public
 */
export interface Plugin<C = Record<string, unknown>> {
  readonly name: string;
  /** The plugin package's own version (shown by `rds-agent validate` and in logs). */
  readonly version?: string;
  /**
   * Semver range of `@rds-agent/core` versions this plugin works with, e.g. `^0.2.0`: the same
   * range as the plugin package's `peerDependencies['@rds-agent/core']` (one contract, not two).
   */
  readonly apiVersion: string;
  /**
   * Names of plugins this one needs registered first (their transports, exporters or strategies);
   * the loader refuses the plugin with `RDS_AGENT_ERR_PLUGIN_DEPENDENCY` naming what is missing.
   * @default []
   */
  readonly dependencies?: readonly string[];
  /** The plugin's settings under `plugins[].config`, typed by its options (see {@link ConfigSchema}). */
  readonly configSchema?: ConfigSchema<C> | ConfigSchema;
  /**
   * Declares what the plugin adds. MUST finish within {@link PLUGIN_REGISTER_TIMEOUT_MS}; a plugin
   * that hangs here is refused with `RDS_AGENT_ERR_PLUGIN_REGISTER` naming it.
   */
  register(host: PluginHost, config: Readonly<C>): void | Promise<void>;
}

/** How long `register` may take before the loader gives up on the plugin (ms). @public */
export const PLUGIN_REGISTER_TIMEOUT_MS = 10_000;

/** Declares a plugin; returns it frozen. The default export of a plugin module SHOULD be this. @public */
export function definePlugin<C = Record<string, unknown>>(plugin: Plugin<C>): Plugin<C> {
  return Object.freeze({ ...plugin });
}

/** True when `value` looks like a plugin (what the loader accepts as a module's default export). @internal */
export function isPlugin(value: unknown): value is Plugin {
  const p = value as Partial<Plugin> | null;
  return typeof p === 'object' && p !== null && typeof p.name === 'string' && typeof p.apiVersion === 'string' && typeof p.register === 'function';
}
