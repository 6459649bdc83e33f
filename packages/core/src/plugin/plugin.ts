import type { BackoffDefinition } from '../backoff/backoff.js';
import type { ConfigSchema } from '../config/schema-types.js';
import type { Logger } from '../logging/logger.js';
import type { ExporterDefinition } from '../metrics/exporter.js';
import type { ReconnectHook } from '../monitor/reconnect-hook.js';
import type { TransportDefinition } from '../transport/transport-definition.js';

/**
 * The version of the plugin API this core implements. Plugins declare the semver range they were
 * written against in `apiVersion`; the loader refuses a plugin whose range does not include it.
 *
 * @public
 */
export const PLUGIN_API_VERSION = '1.0.0';

/**
 * What a plugin gets to register with: a small facade, never the DI container.
 * Registration MUST only declare things: no sockets, no timers. Work starts when the agent starts.
 *
 * @public
 */
export interface PluginHost {
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
  readonly version?: string;
  /** Semver range of the core plugin API, e.g. `^1.0.0`. */
  readonly apiVersion: string;
  readonly configSchema?: ConfigSchema;
  register(host: PluginHost, config: Readonly<C>): void | Promise<void>;
}

/** Declares a plugin; returns it frozen. The default export of a plugin module SHOULD be this. @public */
export function definePlugin<C = Record<string, unknown>>(plugin: Plugin<C>): Plugin<C> {
  return Object.freeze({ ...plugin });
}

/** True when `value` looks like a plugin (what the loader accepts as a module's default export). @internal */
export function isPlugin(value: unknown): value is Plugin {
  const p = value as Partial<Plugin> | null;
  return typeof p === 'object' && p !== null && typeof p.name === 'string' && typeof p.apiVersion === 'string' && typeof p.register === 'function';
}
