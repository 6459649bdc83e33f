import { instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe';
import type { BackoffDefinition } from '../backoff/backoff.js';
import type { TargetConfig } from '../config/agent-config.js';
import { ConnectionMonitor } from '../monitor/connection-monitor.js';
import { TelemetryCollector } from '../telemetry/telemetry-collector.js';
import { isTelemetrySource } from '../transport/telemetry-source.js';
import { AgentScope, TargetScope } from '../tokens.js';
import type { TransportDefinition } from '../transport/transport-definition.js';
import { TargetRuntime } from './target-runtime.js';

/** The definitions a target is made from (looked up in the component registry by the agent). @internal */
export interface TargetDefinitions {
  readonly transport: TransportDefinition;
  readonly backoff: BackoffDefinition;
}

/**
 * The one place a target is assembled. A child container of `root` (which MUST hold the
 * {@link AgentScope} services) gets the target's config and logger, a factory provider for its
 * transport and one for its backoff strategy (each over its definition, made once per container),
 * and container-scoped providers for its ConnectionMonitor and, when the transport reads
 * telemetry and `monitor.telemetryInterval` > 0, its TelemetryCollector. The returned runtime
 * resolves them, starts them in order and disposes them in reverse. Nothing is created until the
 * runtime resolves it, so a definition that throws is reported by {@link TargetRuntime.create}.
 *
 * @internal
 */
export function assembleTarget(root: DependencyContainer, config: TargetConfig, definitions: TargetDefinitions): TargetRuntime {
  const child = root.createChildContainer();
  child.register(TargetScope.Config, { useValue: config });
  child.register(TargetScope.Logger, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(AgentScope.Logger).child({ target: config.name })),
  });
  child.register(TargetScope.Transport, {
    useFactory: instancePerContainerCachingFactory((c) =>
      definitions.transport.create(config.options, {
        target: config.name,
        logger: c.resolve(TargetScope.Logger),
        clock: c.resolve(AgentScope.Clock),
        random: c.resolve(AgentScope.Random),
      }),
    ),
  });
  child.register(TargetScope.Backoff, {
    useFactory: instancePerContainerCachingFactory((c) =>
      definitions.backoff.create(config.backoff.params, { clock: c.resolve(AgentScope.Clock), random: c.resolve(AgentScope.Random) }),
    ),
  });
  child.register(TargetScope.ReconnectHooks, {
    useFactory: instancePerContainerCachingFactory((c) => [
      ...(c.isRegistered(AgentScope.Registry, true) ? c.resolve(AgentScope.Registry).reconnectHooks() : []),
      ...(c.isRegistered(AgentScope.ReconnectHooks, true) ? c.resolve(AgentScope.ReconnectHooks) : []),
    ]),
  });
  child.register(ConnectionMonitor, {
    useFactory: instancePerContainerCachingFactory(
      (c) =>
        new ConnectionMonitor({
          target: config.name,
          transportType: config.transport,
          transport: c.resolve(TargetScope.Transport),
          backoff: c.resolve(TargetScope.Backoff),
          settings: config.monitor,
          clock: c.resolve(AgentScope.Clock),
          random: c.resolve(AgentScope.Random),
          events: c.resolve(AgentScope.EventSink),
          logger: c.resolve(TargetScope.Logger),
          hooks: c.resolve(TargetScope.ReconnectHooks),
          ...(c.isRegistered(AgentScope.LoopLag, true) ? { lag: c.resolve(AgentScope.LoopLag) } : {}),
          ...(c.isRegistered(AgentScope.ConnectGate, true) ? { connectGate: c.resolve(AgentScope.ConnectGate) } : {}),
        }),
    ),
  });
  child.register(TelemetryCollector, {
    useFactory: instancePerContainerCachingFactory((c) => {
      const source = c.resolve(TargetScope.Transport);
      if (!isTelemetrySource(source)) throw new Error(`transport ${config.transport} reads no telemetry`);
      return new TelemetryCollector({
        target: config.name,
        source,
        connection: c.resolve(ConnectionMonitor),
        clock: c.resolve(AgentScope.Clock),
        events: c.resolve(AgentScope.EventSink),
        logger: c.resolve(TargetScope.Logger).child({ component: 'telemetry' }),
        intervalMs: config.monitor.telemetryInterval,
        timeoutMs: config.monitor.telemetryTimeout,
        ...(c.isRegistered(AgentScope.ConnectGate, true) ? { connectGate: c.resolve(AgentScope.ConnectGate) } : {}),
        random: c.resolve(AgentScope.Random),
      });
    }),
  });
  return new TargetRuntime(config, child);
}
