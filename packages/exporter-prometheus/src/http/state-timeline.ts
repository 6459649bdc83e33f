import type { ConnectionState } from '@rds-agent/core';
import { escapeHtml as h } from './html.js';

/** A slot's state: a connection state, or `none` when the agent was not watching the target yet. */
export type SlotState = ConnectionState | 'none';

/** One minute (by default) of a target's last hour. */
export interface TimelineSlot {
  readonly start: number;
  /** The slot's end; the last slot's is past `now`, and only the time up to `now` is counted. */
  readonly end: number;
  /** What the slot shows: the worst outage state in it (`failed`, `disconnected`) if any, else the state it spent longest in. */
  readonly state: SlotState;
  /** Time spent per state within the slot (ms); states not seen are absent. */
  readonly time: Readonly<Partial<Record<ConnectionState, number>>>;
}

/** How the timeline is cut: `slots` slots of `slotMs`, the last one holding `now`. */
export interface TimelineShape {
  /** @default 60_000 (a minute) */
  readonly slotMs?: number;
  /** @default 60 (an hour) */
  readonly slots?: number;
}

/** Colours per state (GitHub Primer's palette: readable on white, distinct for most colour-vision types when paired with the text). */
export const STATE_COLOURS: Readonly<Record<SlotState, string>> = {
  connected: '#2da44e',
  connecting: '#bf8700',
  disconnected: '#cf222e',
  failed: '#82071e',
  stopped: '#8c959f',
  idle: '#8c959f',
  none: '#eaeef2',
};

const OUTAGE_RANK: Partial<Record<ConnectionState, number>> = { disconnected: 1, failed: 2 };
const STATES = new Set<string>(['idle', 'connecting', 'connected', 'disconnected', 'failed', 'stopped']);

/**
 * Cuts a target's state history into slots aligned to whole minutes, the last holding `now`: at
 * most `slots` slots whatever the history holds, in one pass over it. A brief outage inside a
 * minute still colours that minute (an operator looking for blips must see them); otherwise a
 * minute shows where it spent most of its time. Time before the first entry is `none`.
 *
 * `history` is oldest first, as `/status` serves it; entries out of order or with an unknown
 * state are skipped, so a bad entry cannot make the sweep go backwards.
 */
export function timelineSlots(history: readonly { readonly at: number; readonly state: string }[], now: number, shape: TimelineShape = {}): TimelineSlot[] {
  const slotMs = shape.slotMs ?? 60_000;
  const count = shape.slots ?? 60;
  const lastStart = Math.floor(now / slotMs) * slotMs;
  const firstStart = lastStart - (count - 1) * slotMs;
  const changes: { at: number; state: ConnectionState }[] = [];
  for (const e of history) {
    if (!Number.isFinite(e.at) || !STATES.has(e.state) || e.at > now) continue;
    if (changes.length > 0 && e.at < changes[changes.length - 1]!.at) continue;
    changes.push({ at: e.at, state: e.state as ConnectionState });
  }
  const slots: TimelineSlot[] = [];
  let i = 0; // the first change whose interval may still reach the current slot
  for (let k = 0; k < count; k++) {
    const start = firstStart + k * slotMs;
    const end = start + slotMs;
    const time: Partial<Record<ConnectionState, number>> = {};
    const seen = new Set<ConnectionState>();
    while (i + 1 < changes.length && changes[i + 1]!.at <= start) i++;
    for (let j = i; j < changes.length && changes[j]!.at < end; j++) {
      const from = Math.max(changes[j]!.at, start);
      const to = Math.min(changes[j + 1]?.at ?? now, end, now);
      if (to < start) continue;
      const state = changes[j]!.state;
      seen.add(state);
      time[state] = (time[state] ?? 0) + Math.max(0, to - from);
    }
    slots.push({ start, end, state: slotState(seen, time), time });
  }
  return slots;
}

function slotState(seen: ReadonlySet<ConnectionState>, time: Partial<Record<ConnectionState, number>>): SlotState {
  let worst: ConnectionState | undefined;
  for (const s of seen) if ((OUTAGE_RANK[s] ?? 0) > (worst === undefined ? 0 : OUTAGE_RANK[worst]!)) worst = s;
  if (worst) return worst;
  let longest: ConnectionState | undefined;
  for (const s of seen) if (longest === undefined || (time[s] ?? 0) > (time[longest] ?? 0)) longest = s;
  return longest ?? 'none';
}

/** Total time per state over the slots (ms), for the text next to the bar. */
export function timelineTotals(slots: readonly TimelineSlot[]): Partial<Record<ConnectionState, number>> {
  const totals: Partial<Record<ConnectionState, number>> = {};
  for (const slot of slots) for (const [s, ms] of Object.entries(slot.time) as [ConnectionState, number][]) totals[s] = (totals[s] ?? 0) + ms;
  return totals;
}

/** `09:24` (UTC). */
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/**
 * The timeline as inline SVG: one block per slot, its colour the slot's state and its `<title>`
 * (a tooltip, read by screen readers) the minute and the time per state; the whole is a labelled
 * image whose label is `summary`. Nothing from the device reaches it but the state names, which
 * are escaped anyway.
 */
export function renderTimeline(slots: readonly TimelineSlot[], now: number, summary: string, formatDuration: (ms: number) => string): string {
  const width = 10;
  const blocks = slots
    .map((slot, k) => {
      const parts = (Object.entries(slot.time) as [ConnectionState, number][])
        .sort((a, b) => b[1] - a[1])
        .map(([s, ms]) => `${s} ${formatDuration(ms)}`);
      const title = `${hhmm(slot.start)}–${slot.end > now ? 'now' : hhmm(slot.end)} UTC: ${parts.length > 0 ? parts.join(', ') : 'no data'}`;
      return `<rect x="${k * width}" width="${width - 1}" height="16" fill="${STATE_COLOURS[slot.state]}" data-state="${h(slot.state)}"><title>${h(title)}</title></rect>`;
    })
    .join('');
  return `<svg class="timeline" viewBox="0 0 ${slots.length * width - 1} 16" preserveAspectRatio="none" role="img" aria-label="${h(summary)}">${blocks}</svg>`;
}
