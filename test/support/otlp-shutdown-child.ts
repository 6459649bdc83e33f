import 'reflect-metadata';
import { agentCore, otelFromRaw } from './otlp-scenario.js';

/**
 * A tiny agent for the shutdown test, run as a child process:
 * `node otlp-shutdown-child.js <protocol> <endpoint> <value> [exportTimeout]`. It starts the otel exporter with a
 * 1 h export interval (so only the final flush can deliver), records `value` as target `last`'s
 * backoff delay, shuts down the way the agent does (exporter.shutdown()) and then simply returns:
 * the process must exit on its own, with no timer or socket keeping it alive.
 */
const [protocol, endpoint, value, exportTimeout = '5s'] = process.argv.slice(2);
const { hub, context } = agentCore();
const exporter = otelFromRaw({ protocol, endpoint, exportInterval: '1h', exportTimeout }, context);
await exporter.start(new AbortController().signal);
hub.emit({ type: 'state-changed', target: 'last', at: Date.now(), from: 'idle', to: 'connected', reason: 'connected' });
hub.emit({ type: 'backoff', target: 'last', at: Date.now(), delayMs: Number(value) });
await exporter.shutdown();
process.stdout.write('shutdown complete\n');
