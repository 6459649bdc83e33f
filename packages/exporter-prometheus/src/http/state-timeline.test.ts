import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTimeline, STATE_COLOURS, timelineSlots, timelineTotals } from './state-timeline.js';

const MIN = 60_000;
/** 10:00:00 UTC; `now` is 10:00:30 unless a test says otherwise. */
const T = Date.UTC(2026, 10, 26, 10, 0, 0);
const NOW = T + 30_000;

describe('state timeline', () => {
  it('cuts the last hour into 60 one-minute slots on minute boundaries, the last holding now', () => {
    const slots = timelineSlots([{ at: T - 2 * 3600_000, state: 'connected' }], NOW);
    assert.equal(slots.length, 60);
    assert.equal(slots[59]!.start, T);
    assert.equal(slots[0]!.start, T - 59 * MIN);
    assert.ok(slots.every((s, i) => s.end - s.start === MIN && (i === 0 || s.start === slots[i - 1]!.end)));
    assert.ok(slots.every((s) => s.state === 'connected'));
    assert.equal(slots[59]!.time.connected, 30_000, 'the current minute counts only up to now');
    assert.equal(timelineTotals(slots).connected, 59 * MIN + 30_000);
  });

  it('colours a minute with a brief outage as an outage, and a minute without one by where it spent most time', () => {
    const slots = timelineSlots(
      [
        { at: T - 3600_000, state: 'connected' },
        { at: T - 10 * MIN + 20_000, state: 'disconnected' },
        { at: T - 10 * MIN + 22_000, state: 'connecting' },
        { at: T - 10 * MIN + 22_050, state: 'connected' },
        { at: T - 5 * MIN + 1000, state: 'connecting' },
        { at: T - 5 * MIN + 5000, state: 'connected' },
      ],
      NOW,
    );
    const at = (start: number) => slots.find((s) => s.start === start)!;
    assert.equal(at(T - 10 * MIN).state, 'disconnected', 'a 2 s loss shows');
    assert.deepEqual(at(T - 10 * MIN).time, { connected: 58_000 - 50, disconnected: 2000, connecting: 50 });
    assert.equal(at(T - 11 * MIN).state, 'connected');
    assert.equal(at(T - 5 * MIN).state, 'connected', 'a 4 s attempt in a minute otherwise up is not an outage');
    assert.equal(at(T - 9 * MIN).state, 'connected');
  });

  it('ranks giving up above waiting to retry, and shows the time before the first entry as not watched', () => {
    const slots = timelineSlots(
      [
        { at: T - 3 * MIN + 10_000, state: 'connecting' },
        { at: T - 3 * MIN + 12_000, state: 'disconnected' },
        { at: T - 3 * MIN + 40_000, state: 'failed' },
      ],
      NOW,
    );
    assert.ok(slots.slice(0, 56).every((s) => s.state === 'none' && Object.keys(s.time).length === 0));
    assert.deepEqual(slots.slice(56).map((s) => s.state), ['failed', 'failed', 'failed', 'failed']);
    assert.deepEqual(timelineTotals(slots), { connecting: 2000, disconnected: 28_000, failed: 20_000 + 2 * MIN + 30_000 });
  });

  it('stays 60 slots and sums to the watched time whatever the history holds', () => {
    const history = Array.from({ length: 10_000 }, (_, i) => ({ at: T - 3600_000 + i * 360, state: i % 2 ? 'connected' : 'disconnected' }));
    const slots = timelineSlots(history, NOW);
    assert.equal(slots.length, 60);
    const totals = timelineTotals(slots);
    assert.equal((totals.connected ?? 0) + (totals.disconnected ?? 0), 59 * MIN + 30_000);
    assert.ok(slots.slice(0, 59).every((s) => s.state === 'disconnected'), 'every minute of the flapping saw a loss');
    assert.equal(slots[59]!.state, 'connected', 'the flapping ended before this minute');
  });

  it('skips entries out of order, in the future, or with an unknown state', () => {
    const slots = timelineSlots(
      [
        { at: T - 2 * MIN, state: 'connected' },
        { at: T - 30 * MIN, state: 'disconnected' },
        { at: Number.NaN, state: 'failed' },
        { at: T - MIN, state: 'exploded' },
        { at: NOW + 1000, state: 'failed' },
      ],
      NOW,
    );
    assert.deepEqual(timelineTotals(slots), { connected: 2 * MIN + 30_000 });
    assert.equal(slots[59]!.state, 'connected');
  });

  it('honours another shape', () => {
    const slots = timelineSlots([{ at: T - 3600_000, state: 'connected' }], NOW, { slotMs: 10_000, slots: 6 });
    assert.deepEqual(
      slots.map((s) => s.start),
      [T - 20_000, T - 10_000, T, T + 10_000, T + 20_000, T + 30_000],
    );
    assert.deepEqual(slots[5]!.time, { connected: 0 }, 'a slot starting at now has no time yet');
    assert.equal(slots[5]!.state, 'connected', 'but it shows the state of the moment');
  });

  it('renders one titled block per slot in the state colours, labelled as a whole', () => {
    const slots = timelineSlots(
      [
        { at: T - 3600_000, state: 'connected' },
        { at: T - MIN + 30_000, state: 'disconnected' },
      ],
      NOW,
    );
    const svg = renderTimeline(slots, NOW, 'rds-1 <last hour>', (ms) => `${ms / 1000}s`);
    assert.match(svg, /^<svg class="timeline" [^>]*role="img" aria-label="rds-1 &lt;last hour&gt;">/);
    const rects = [...svg.matchAll(/<rect [^>]*fill="([^"]+)" data-state="([a-z]+)"><title>([^<]*)<\/title><\/rect>/g)];
    assert.equal(rects.length, 60);
    assert.ok(rects.every(([, fill, state]) => fill === STATE_COLOURS[state as keyof typeof STATE_COLOURS]));
    assert.equal(rects[58]![3], '09:59–10:00 UTC: connected 30s, disconnected 30s');
    assert.equal(rects[59]![3], '10:00–now UTC: disconnected 30s');
    assert.equal(rects[0]![2], 'connected');
  });
});
