import type { BackoffDefinition } from '../backoff/backoff.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import type { Logger } from '../logging/logger.js';
import type { ExporterDefinition } from '../metrics/exporter.js';
import type { NamedReconnectHook, ReconnectHook } from '../monitor/reconnect-hook.js';
import type { TransportDefinition } from '../transport/transport-definition.js';
import type { PluginHost } from './plugin.js';

interface Owned<T> {
  readonly owner: string;
  readonly definition: T;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Everything plugins registered: transport, exporter and backoff types by name, reconnect hooks,
 * and close hooks. Names are unique: a second registration of a name fails with a coded error
 * naming both plugins.
 *
 * @internal
 */
export class ComponentRegistry {
  private readonly transports = new Map<string, Owned<TransportDefinition>>();
  private readonly exporters = new Map<string, Owned<ExporterDefinition>>();
  private readonly backoffs = new Map<string, Owned<BackoffDefinition>>();
  private readonly hooks: NamedReconnectHook[] = [];
  private readonly closeHooks: { owner: string; hook: () => void | Promise<void> }[] = [];

  /** A PluginHost facade for one plugin: what it registers is recorded under its name. */
  hostFor(owner: string, logger: Logger): PluginHost {
    return {
      logger,
      addTransport: (type, definition) => this.add(this.transports, 'transport', type, owner, definition as TransportDefinition),
      addExporter: (type, definition) => this.add(this.exporters, 'exporter', type, owner, definition as ExporterDefinition),
      addBackoff: (name, definition) => this.add(this.backoffs, 'backoff strategy', name, owner, definition as BackoffDefinition),
      addReconnectHook: (name: string, hook: ReconnectHook) => {
        this.hooks.push({ name: `${owner}:${name}`, hook });
      },
      onClose: (hook) => {
        this.closeHooks.push({ owner, hook });
      },
    };
  }

  transport(type: string): TransportDefinition | undefined {
    return this.transports.get(type)?.definition;
  }
  exporter(type: string): ExporterDefinition | undefined {
    return this.exporters.get(type)?.definition;
  }
  backoff(name: string): BackoffDefinition | undefined {
    return this.backoffs.get(name)?.definition;
  }
  transportTypes(): string[] {
    return [...this.transports.keys()];
  }
  exporterTypes(): string[] {
    return [...this.exporters.keys()];
  }
  backoffNames(): string[] {
    return [...this.backoffs.keys()];
  }
  reconnectHooks(): readonly NamedReconnectHook[] {
    return [...this.hooks];
  }

  /** Runs close hooks in reverse order of registration; a failing hook is logged, the rest still run. */
  async runCloseHooks(logger: Logger): Promise<void> {
    for (const { owner, hook } of [...this.closeHooks].reverse()) {
      try {
        await hook();
      } catch (err) {
        logger.error({ plugin: owner, err: (err as Error).message }, 'plugin close hook failed');
      }
    }
    this.closeHooks.length = 0;
  }

  private add<T>(map: Map<string, Owned<T>>, kind: string, name: string, owner: string, definition: T): void {
    if (!NAME.test(name)) {
      throw new AgentError(ErrorCode.PLUGIN_REGISTER, `plugin ${owner}: ${kind} name ${JSON.stringify(name)} must match ${NAME.source}`);
    }
    const existing = map.get(name);
    if (existing) {
      throw new AgentError(ErrorCode.DUPLICATE_COMPONENT, `plugin ${owner}: ${kind} "${name}" is already registered by plugin ${existing.owner}`);
    }
    map.set(name, { owner, definition });
  }
}
