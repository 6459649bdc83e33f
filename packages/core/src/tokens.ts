import type { InjectionToken } from 'tsyringe';
import type { BackoffStrategy } from './backoff/backoff.js';
import type { Clock } from './clock/clock.js';
import type { Random } from './clock/random.js';
import type { Logger } from './logging/logger.js';
import type { MonitorEventSink } from './monitor/events.js';
import type { MonitorOptions } from './monitor/monitor-options.js';
import type { NamedReconnectHook } from './monitor/reconnect-hook.js';
import type { Transport } from './transport/transport.js';

/** Typed DI tokens, declared once. `Symbol.for` so that two copies of core agree on them. */
function token<T>(name: string): InjectionToken<T> {
  return Symbol.for(`@rds-agent/core.${name}`) as InjectionToken<T>;
}

export const Tokens = {
  // Root container (one per agent).
  Clock: token<Clock>('Clock'),
  Random: token<Random>('Random'),
  Logger: token<Logger>('Logger'),
  EventSink: token<MonitorEventSink>('EventSink'),
  // Child container (one per target).
  TargetName: token<string>('TargetName'),
  Transport: token<Transport>('Transport'),
  BackoffStrategy: token<BackoffStrategy>('BackoffStrategy'),
  MonitorOptions: token<MonitorOptions>('MonitorOptions'),
  ReconnectHooks: token<readonly NamedReconnectHook[]>('ReconnectHooks'),
} as const;
