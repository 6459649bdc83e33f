// One scenario per message, in a worker thread: the storm of one fleet uses one core.
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { runStorm } from './fleet-storm.js';
import { backoffFactory } from './scenarios.js';

// Each attempt and probe makes a few Errors (DOMException on abort, TransportError); their stack
// traces are never read here and cost ~15 % of the run.
Error.stackTraceLimit = 0;

parentPort.on('message', async ({ spec, model }) => {
  try {
    const result = await runStorm({ ...spec, backoff: backoffFactory(spec) }, model);
    parentPort.postMessage({ spec, model, result });
  } catch (err) {
    parentPort.postMessage({ spec, model, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
});
