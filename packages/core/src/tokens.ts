import type { InjectionToken } from 'tsyringe';
import type { BackoffStrategy } from './backoff/backoff.js';
import type { Clock } from './clock/clock.js';
import type { LoopLag } from './clock/loop-lag.js';
import type { Semaphore } from './signals/semaphore.js';
import type { Random } from './clock/random.js';
import type { TargetConfig } from './config/agent-config.js';
import type { Logger } from './logging/logger.js';
import type { MetricsHub } from './metrics/metrics-hub.js';
import type { StatusStore } from './metrics/status-store.js';
import type { MonitorEventSink } from './monitor/events.js';
import type { NamedReconnectHook } from './monitor/reconnect-hook.js';
import type { ComponentRegistry } from './plugin/component-registry.js';
import type { Transport } from './transport/transport.js';

/**
 * Typed DI tokens, declared once, each named after its scope. `Symbol.for` so that two copies of
 * core agree on them. Plugins never see the container or these tokens: they get the PluginHost
 * facade and their factories' contexts.
 */
function token<T>(scope: 'agent' | 'target', name: string): InjectionToken<T> {
  return Symbol.for(`@rds-agent/core.${scope}.${name}`) as InjectionToken<T>;
}

/** Agent-wide services: registered once in the agent's root container. @internal */
export const AgentScope = {
  Clock: token<Clock>('agent', 'Clock'),
  Random: token<Random>('agent', 'Random'),
  Logger: token<Logger>('agent', 'Logger'),
  /** Everything plugins registered: transport, exporter and backoff definitions, hooks. */
  Registry: token<ComponentRegistry>('agent', 'Registry'),
  /** The metrics hub: one event -> metric mapping, fanned out to every exporter. */
  Hub: token<MetricsHub>('agent', 'Hub'),
  /** Where monitors and collectors send their events (the hub in an agent). */
  EventSink: token<MonitorEventSink>('agent', 'EventSink'),
  /** The latest state per target (`/status`, the landing page, `rds-agent status`). */
  Status: token<StatusStore>('agent', 'Status'),
  /** The agent's own event-loop delay; probe and connect deadlines consult it. */
  LoopLag: token<LoopLag>('agent', 'LoopLag'),
  /** Bounds concurrent connection handshakes across all targets. */
  ConnectGate: token<Semaphore>('agent', 'ConnectGate'),
  /** Hooks run after every (re)connection of every target, besides those plugins registered. */
  ReconnectHooks: token<readonly NamedReconnectHook[]>('agent', 'ReconnectHooks'),
} as const;

/** Per-target parts: registered in the target's own child container by the target assembly. @internal */
export const TargetScope = {
  /** The target's validated config: name, transport, options, monitor settings, backoff. */
  Config: token<TargetConfig>('target', 'Config'),
  /** The agent logger bound to `{ target }`. */
  Logger: token<Logger>('target', 'Logger'),
  /** Made once per container by the transport definition's factory. */
  Transport: token<Transport>('target', 'Transport'),
  /** Made once per container by the backoff definition's factory. */
  Backoff: token<BackoffStrategy>('target', 'Backoff'),
  /** The agent's hooks plus the plugins' hooks, in that order. */
  ReconnectHooks: token<readonly NamedReconnectHook[]>('target', 'ReconnectHooks'),
} as const;
