import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { BackoffStrategy } from '../backoff/backoff.js';
import type { Clock } from '../clock/clock.js';
import type { Random } from '../clock/random.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { Tokens } from '../tokens.js';
import type { Transport } from '../transport/transport.js';
import { ConnectionMonitor } from './connection-monitor.js';
import type { MonitorEventSink } from './events.js';
import { DEFAULT_MONITOR_OPTIONS, type MonitorOptions } from './monitor-options.js';
import type { NamedReconnectHook } from './reconnect-hook.js';

/** What {@link createConnectionMonitor} needs; everything the agent's child container would hold. */
export interface ConnectionMonitorDeps {
  readonly target: string;
  readonly transport: Transport;
  readonly backoff: BackoffStrategy;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: MonitorEventSink;
  /** Merged over {@link DEFAULT_MONITOR_OPTIONS}; `transportType` defaults to `unknown`. */
  readonly options?: Partial<MonitorOptions>;
  /** @default a silent logger */
  readonly logger?: Logger;
  /** @default none */
  readonly hooks?: readonly NamedReconnectHook[];
  /** Parent of the child container the monitor is resolved in. @default tsyringe's root container */
  readonly container?: DependencyContainer;
}

/**
 * Builds a {@link ConnectionMonitor} without an agent: registers `deps` in a fresh child container
 * and resolves the monitor from it, exactly as the agent does per target. For tests, e2e and
 * embedding. The monitor is not started.
 */
export function createConnectionMonitor(deps: ConnectionMonitorDeps): ConnectionMonitor {
  // tsyringe cannot register an undefined value: fail here with the monitor's own coded error.
  for (const key of ['transport', 'backoff', 'clock', 'random', 'events'] as const) {
    if (!deps[key]) throw new AgentError(ErrorCode.CONFIG, `target ${deps.target}: a ${key} is required`);
  }
  const child = (deps.container ?? rootContainer).createChildContainer();
  const options: MonitorOptions = { transportType: 'unknown', ...DEFAULT_MONITOR_OPTIONS, ...deps.options };
  const logger = (deps.logger ?? silentLogger()).child({ target: deps.target });
  child.register(Tokens.TargetName, { useValue: deps.target });
  child.register(Tokens.Transport, { useValue: deps.transport });
  child.register(Tokens.BackoffStrategy, { useValue: deps.backoff });
  child.register(Tokens.Clock, { useValue: deps.clock });
  child.register(Tokens.Random, { useValue: deps.random });
  child.register(Tokens.EventSink, { useValue: deps.events });
  child.register(Tokens.MonitorOptions, { useValue: options });
  child.register(Tokens.Logger, { useValue: logger });
  child.register(Tokens.ReconnectHooks, { useValue: deps.hooks ?? [] });
  return child.resolve(ConnectionMonitor);
}
