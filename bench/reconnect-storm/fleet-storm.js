import { createConnectionMonitor, DEFAULT_MONITOR_SETTINGS } from '@rds-agent/core/host';
import { FakeClock } from '@rds-agent/core/testing';
import { SeededRandom } from './seeded-random.js';
import { SharedRds } from './shared-rds.js';
import { StormTransport } from './storm-transport.js';

/** The loss happens here: every agent has been connected for more than a probe interval. */
const LOSS_AT = 10_000;
/** How long the simulation may run after the loss before a scenario counts as not recovered. */
const GIVE_UP_AFTER_MS = 600_000;

/**
 * @typedef {object} StormScenario
 * @property {string} name
 * @property {(deps: { clock: FakeClock, random: SeededRandom }) => import('@rds-agent/core').BackoffStrategy} backoff
 *   a new strategy for one agent
 * @property {'event' | 'poll'} detection `event`: the transport reports the loss at once (rds-agent);
 *   `poll`: the session dies silently and the next 5 s probe notices (the reference)
 * @property {number} [firstAttemptJitter] ms; omitted: the shipped default
 */

/**
 * @typedef {object} StormResult
 * @property {number[]} bins attempts per window after the loss (bin i covers [i, i+1) windows)
 * @property {number} totalAttempts attempts made after the loss
 * @property {number} peak the busiest window overall
 * @property {number} peakAfterReturn the busiest window once the RDS is back
 * @property {number} allConnectedMs time from the loss until the last agent connected (NaN: not all did)
 * @property {number} medianConnectedMs time from the loss until half the fleet had connected
 * @property {number} maxDetectionMs longest time from the loss until an agent's state left `connected`
 * @property {number} refusedBusy attempts refused by the accept limit
 * @property {number} wallMs real time the scenario took
 */

/**
 * Runs one storm on one FakeClock with real ConnectionMonitors: `agents` agents start at uniform
 * random instants within the first probe interval and connect; at LOSS_AT the RDS goes away for
 * `outageMs`; once back it accepts at most `acceptLimit` connections per `windowMs`.
 *
 * @param {StormScenario} scenario
 * @param {{ agents: number, seed: number, outageMs: number, acceptLimit: number, windowMs: number }} model
 * @returns {Promise<StormResult>}
 */
export async function runStorm(scenario, model) {
  const { agents, seed, outageMs, acceptLimit, windowMs } = model;
  const started = performance.now();
  const clock = new FakeClock(0);
  const random = new SeededRandom(seed);
  const rds = new SharedRds({ acceptLimit, windowMs });
  const settings = scenario.firstAttemptJitter === undefined ? {} : { firstAttemptJitter: scenario.firstAttemptJitter };

  const bins = [];
  let totalAttempts = 0;
  const connectedAt = new Float64Array(agents).fill(NaN);
  const detectedAt = new Float64Array(agents).fill(NaN);
  let connected = 0;
  const transports = [];
  const monitors = [];
  const stopping = [];
  for (let i = 0; i < agents; i++) {
    const transport = new StormTransport(rds, clock);
    const events = {
      emit(event) {
        if (event.at < LOSS_AT) return;
        if (event.type === 'attempt') {
          const bin = Math.floor((event.at - LOSS_AT) / windowMs);
          bins[bin] = (bins[bin] ?? 0) + 1;
          totalAttempts += 1;
        } else if (event.type === 'state-changed') {
          if (event.from === 'connected' && Number.isNaN(detectedAt[i])) detectedAt[i] = event.at - LOSS_AT;
          if (event.to === 'connected' && Number.isNaN(connectedAt[i])) {
            connectedAt[i] = event.at - LOSS_AT;
            connected += 1;
            // Back for good (the RDS drops no one twice): this agent's part in the storm is over, and
            // its probes from here on would only cost run time (a third of it for a slow fleet).
            stopping.push(Promise.resolve().then(() => monitors[i].stop()));
          }
        }
      },
    };
    transports.push(transport);
    monitors.push(createConnectionMonitor({ target: `rds-agent-${i}`, transport, backoff: scenario.backoff({ clock, random }), clock, random, events, settings }));
  }

  // Start-up spread over one probe interval: each agent's probe (the reference's poll) has its own phase.
  const startAt = Array.from({ length: agents }, () => Math.floor(random.next() * DEFAULT_MONITOR_SETTINGS.probeInterval));
  const order = startAt.map((_, i) => i).sort((a, b) => startAt[a] - startAt[b]);
  for (const i of order) {
    await clock.tickToAsync(startAt[i]);
    monitors[i].start();
  }
  await clock.tickToAsync(LOSS_AT);
  rds.outage(LOSS_AT, LOSS_AT + outageMs);
  for (const t of transports) t.lose(scenario.detection === 'event');

  while (connected < agents && clock.now() < LOSS_AT + GIVE_UP_AFTER_MS) await clock.tickAsync(1000);
  await Promise.all([...stopping, ...monitors.map((m) => m.stop())]);

  const filled = Array.from(bins, (n) => n ?? 0);
  const returnBin = Math.floor(outageMs / windowMs);
  const sortedConnected = Array.from(connectedAt).sort((a, b) => a - b);
  return {
    bins: filled,
    totalAttempts,
    peak: Math.max(0, ...filled),
    peakAfterReturn: Math.max(0, ...filled.slice(returnBin)),
    allConnectedMs: connected === agents ? sortedConnected[agents - 1] : NaN,
    medianConnectedMs: sortedConnected[Math.floor((agents - 1) / 2)],
    maxDetectionMs: Math.max(...detectedAt),
    refusedBusy: rds.refusedBusy,
    wallMs: performance.now() - started,
  };
}
