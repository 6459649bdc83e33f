import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, MAX_TIMER_MS, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads milliseconds and unit strings, compound forms largest unit first', () => {
    const cases: [unknown, number][] = [
      [500, 500],
      ['500', 500],
      ['500ms', 500],
      ['5s', 5000],
      ['1.5m', 90_000],
      ['1m30s', 90_000],
      ['1h30m', 5_400_000],
      ['2d12h', 216_000_000],
      ['1w', 604_800_000],
      [' 5s ', 5000],
      [0, 0],
    ];
    for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, JSON.stringify(input));
  });

  it('refuses what is not a duration (the caller names the key)', () => {
    for (const input of [-1, 1.5, Number.NaN, Infinity, '', ' ', '5 s', '30s1m', '1m1m', 'soon', '1e3', '1e400ms', '-1s', '5sec', null, {}, [], true]) {
      assert.equal(parseDuration(input), undefined, JSON.stringify(input));
    }
  });

  it('returns huge values for the range check to report, never Infinity', () => {
    assert.ok(parseDuration('99999999999999h')! > MAX_TIMER_MS);
    assert.ok(parseDuration(1e308)! > MAX_TIMER_MS);
  });

  it('is linear on hostile input', () => {
    assert.equal(parseDuration('1'.repeat(100_000) + 's'), undefined);
    assert.equal(parseDuration('1s'.repeat(50_000)), undefined);
  });
});

describe('formatDuration', () => {
  it('prints what parseDuration reads back', () => {
    for (const ms of [0, 1, 500, 1000, 1500, 16_000, 90_000, 3_600_000, 5_400_000, 86_400_000, MAX_TIMER_MS]) {
      assert.equal(parseDuration(formatDuration(ms)), ms, `${ms} -> ${formatDuration(ms)}`);
    }
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(16_000), '16s');
  });
});
