import { container as tsyringeRoot, type DependencyContainer } from 'tsyringe';
import type { BackoffStrategy } from '../backoff/backoff.js';
import type { Clock } from '../clock/clock.js';
import type { LoopLag } from '../clock/loop-lag.js';
import type { Random } from '../clock/random.js';
import type { Semaphore } from '../signals/semaphore.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { assembleTarget } from '../target/target-assembly.js';
import { AgentScope } from '../tokens.js';
import type { Transport } from '../transport/transport.js';
import type { ConnectionMonitor } from './connection-monitor.js';
import type { MonitorEventSink } from './events.js';
import { DEFAULT_MONITOR_SETTINGS, type MonitorSettings } from './monitor-settings.js';
import type { NamedReconnectHook } from './reconnect-hook.js';

/** What {@link createConnectionMonitor} needs: the parts of a target built by the caller. @internal */
export interface CreateConnectionMonitorOptions {
  readonly target: string;
  readonly transport: Transport;
  readonly backoff: BackoffStrategy;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: MonitorEventSink;
  /** Merged over {@link DEFAULT_MONITOR_SETTINGS}. */
  readonly settings?: Partial<MonitorSettings>;
  /** The transport's type name on `rds_target_info`. @default 'unknown' */
  readonly transportType?: string;
  /** @default a silent logger */
  readonly logger?: Logger;
  /** @default none */
  readonly hooks?: readonly NamedReconnectHook[];
  /** The agent's event-loop delay (deadlines count only time the agent could run; a starved probe timeout is confirmed once). */
  readonly lag?: LoopLag;
  /** Shared bound on concurrent handshakes. */
  readonly connectGate?: Semaphore;
  /** Parent of the containers made here. @default tsyringe's root container */
  readonly container?: DependencyContainer;
}

/**
 * Builds a {@link ConnectionMonitor} without an agent, through the same target assembly the agent
 * uses (with definitions that hand out the given transport and strategy). For tests, e2e and
 * embedding. The monitor is not started; telemetry is not collected.
 *
 * @internal
 */
export function createConnectionMonitor(options: CreateConnectionMonitorOptions): ConnectionMonitor {
  // tsyringe cannot register an undefined value: fail here with the monitor's own coded error.
  for (const key of ['transport', 'backoff', 'clock', 'random', 'events'] as const) {
    if (!options[key]) throw new AgentError(ErrorCode.CONFIG, `target ${options.target}: a ${key} is required`);
  }
  const root = (options.container ?? tsyringeRoot).createChildContainer();
  root.register(AgentScope.Clock, { useValue: options.clock });
  root.register(AgentScope.Random, { useValue: options.random });
  root.register(AgentScope.Logger, { useValue: options.logger ?? silentLogger() });
  root.register(AgentScope.EventSink, { useValue: options.events });
  root.register(AgentScope.ReconnectHooks, { useValue: options.hooks ?? [] });
  if (options.lag) root.register(AgentScope.LoopLag, { useValue: options.lag });
  if (options.connectGate) root.register(AgentScope.ConnectGate, { useValue: options.connectGate });
  const runtime = assembleTarget(
    root,
    {
      name: options.target,
      transport: options.transportType ?? 'unknown',
      options: {},
      monitor: { ...DEFAULT_MONITOR_SETTINGS, ...options.settings, telemetryInterval: 0 },
      backoff: { strategy: 'given', params: {} },
    },
    {
      transport: { schema: {}, create: () => options.transport },
      backoff: { schema: {}, create: () => options.backoff },
    },
  );
  return runtime.create().monitor!;
}
