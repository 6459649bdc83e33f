import assert from 'node:assert/strict';
import { it } from 'node:test';
import { STOP } from '@rds-agent/core';
import { backoffContract, FakeClock, FixedRandom, pluginManifestProblems } from '@rds-agent/core/testing';
import plugin from './index.js';
import { LinearBackoff, linearBackoff } from './linear-backoff.js';

backoffContract('linear', linearBackoff);
backoffContract('linear (gives up after 3)', linearBackoff, { params: { initialInterval: 1000, step: 1000, maxInterval: 30_000, maxAttempts: 3 } });

it('waits 1 s, 2 s, 3 s ... up to the cap', () => {
  const b = new LinearBackoff({ initialInterval: 1000, step: 1000, maxInterval: 3000, maxAttempts: 0 }, { clock: new FakeClock(), random: new FixedRandom(0.5) });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next()], [1000, 2000, 3000, 3000]);
  b.reset();
  assert.equal(b.next(), 1000);
});

it('gives up after maxAttempts', () => {
  const b = new LinearBackoff({ initialInterval: 1000, step: 1000, maxInterval: 3000, maxAttempts: 2 }, { clock: new FakeClock(), random: new FixedRandom(0.5) });
  assert.deepEqual([b.next(), b.next(), b.next()], [1000, 2000, STOP]);
});

it('declares one version contract: apiVersion is its @rds-agent/core peer range', () => {
  assert.deepEqual(pluginManifestProblems(plugin, new URL('../package.json', import.meta.url)), []);
});
