import type { ConnectionState } from '@rds-agent/core';
import { escapeHtml as h } from './html.js';
import { STATE_COLOURS, renderTimeline, timelineSlots, timelineTotals } from './state-timeline.js';
import type { StatusDocument, TargetStatusJson } from './status-document.js';

/** How often the page reloads itself (`<meta http-equiv="refresh">`), in seconds. */
export const LANDING_PAGE_REFRESH_SECONDS = 10;

/** Text colour of each state's name (darker than the timeline's fills, for contrast on white). */
const STATE_TEXT: Record<string, string> = {
  connected: '#1a7f37',
  connecting: '#9a6700',
  disconnected: '#cf222e',
  failed: '#82071e',
  stopped: '#57606a',
  idle: '#57606a',
};

const DASH = '&ndash;';
const COLUMNS = ['Target', 'State', 'Since', 'Failed attempts', 'Last attempt', 'Next attempt', 'Last probe', 'Last error'];

/**
 * The `/` page, in the manner of node_exporter's: what this is, links to the other endpoints, and
 * per target what a person on call asks first: is it up, since when, how many tries, when is the
 * next one, where is it, what went wrong, and how its last hour looked. Every dynamic value is
 * HTML-escaped (target names and error messages come from config and from devices). No scripts:
 * the page reloads itself with a meta refresh.
 */
export function landingPage(doc: StatusDocument, metricsPath: string, now: number): string {
  const rows = doc.targets.map((t) => targetRows(t, now)).join('\n');
  const ready = doc.ready.ready ? 'ready' : 'not ready';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${LANDING_PAGE_REFRESH_SECONDS}">
<title>rds-agent</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#24292f;max-width:80rem}
h1{font-size:1.5rem;margin-bottom:.25rem}
p.meta{color:#57606a;margin-top:0}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{text-align:left;padding:.35rem .6rem;vertical-align:top}
thead th{background:#f6f8fa;border-bottom:1px solid #d0d7de}
tr.history td{border-bottom:1px solid #d0d7de;padding-top:0;padding-bottom:.6rem}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.time{font-variant-numeric:tabular-nums}
time,td.since .label{white-space:nowrap}
small,.muted{color:#57606a}
small{display:block}
td.state span{font-weight:600}
td.state small{overflow-wrap:anywhere}
td.target{max-width:16rem}
td.target .name{font-weight:600;overflow-wrap:anywhere}
td.target small.address{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
td.error{overflow-wrap:anywhere;min-width:11rem}
td.error code{font-size:.8rem;color:#57606a}
td.error.past{color:#57606a}
.outcome-failure{color:#cf222e}
.outcome-success{color:#1a7f37}
.timeline-row{display:flex;align-items:flex-start;gap:.75rem}
.timeline-row .label{color:#57606a;font-size:.85rem;white-space:nowrap;width:5.5rem;line-height:14px}
.timeline-row .bar{flex:1;min-width:10rem}
svg.timeline{width:100%;height:14px;display:block}
.axis{display:flex;justify-content:space-between;gap:1rem;color:#8c959f;font-size:.75rem;margin-top:.15rem}
.axis .summary{color:#57606a;text-align:center}
ul.links{padding-left:1.2rem}
ul.legend{list-style:none;padding:0;display:flex;gap:1rem;color:#57606a;font-size:.85rem;flex-wrap:wrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;vertical-align:-.1rem;margin-right:.3rem;border-radius:2px}
</style>
</head>
<body>
<h1>rds-agent</h1>
<p class="meta">Connection health of MikroTik ROSE Data Server targets. Version ${h(doc.agent.version)}, up ${h(duration(doc.agent.uptimeSeconds * 1000))},
<span id="ready">${h(ready)}</span> (${h(doc.ready.connected)} of ${h(doc.ready.total)} connected, rule: ${h(doc.ready.rule)}).
<br>As of <time id="generated" datetime="${h(doc.generatedAt)}">${h(clock(doc.generatedAt, now))}</time>; this page reloads every ${LANDING_PAGE_REFRESH_SECONDS} s. Times are UTC.</p>
<ul class="links">
<li><a href="${h(metricsPath)}">Metrics</a> (Prometheus / OpenMetrics)</li>
<li><a href="/status">Status</a> (JSON)</li>
<li><a href="/readyz">Readiness</a> &middot; <a href="/healthz">Health</a></li>
</ul>
<table id="targets">
<thead><tr>${COLUMNS.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>
<tbody>
${rows || `<tr><td colspan="${COLUMNS.length}">No targets yet.</td></tr>`}
</tbody>
</table>
<ul class="legend" aria-label="Timeline colours">
${(['connected', 'connecting', 'disconnected', 'failed', 'stopped', 'none'] as const)
  .map((s) => `<li><span class="swatch" style="background:${STATE_COLOURS[s]}"></span>${s === 'none' ? 'not watched' : s === 'stopped' ? 'stopped / idle' : s}</li>`)
  .join('\n')}
</ul>
</body>
</html>
`;
}

/** The facts row and the timeline row of one target. */
function targetRows(t: TargetStatusJson, now: number): string {
  return `<tr class="target" data-target="${h(t.target)}" data-state="${h(t.state)}">
<td class="target"><span class="name">${h(t.target)}</span>${address(t)}${device(t)}</td>
<td class="state"><span style="color:${STATE_TEXT[t.state] ?? '#24292f'}">${h(t.state)}</span>${t.reason && t.reason !== t.state ? `<small>${h(t.reason)}</small>` : ''}</td>
<td class="time since">${since(t, now)}</td>
<td class="num attempts">${h(t.attempts)}</td>
<td class="time last-attempt">${lastAttempt(t, now)}</td>
<td class="time next-attempt">${nextAttempt(t, now)}</td>
<td class="num probe">${t.lastProbeLatencyMs === null || t.state !== 'connected' ? DASH : `${h(t.lastProbeLatencyMs.toFixed(1))}&nbsp;ms`}</td>
<td class="error${t.lastError && t.state === 'connected' ? ' past' : ''}">${lastError(t, now)}</td>
</tr>
<tr class="history" data-target="${h(t.target)}"><td colspan="${COLUMNS.length}">${timeline(t, now)}</td></tr>`;
}

function address(t: TargetStatusJson): string {
  if (!t.address) return '';
  const host = t.address.host.includes(':') ? `[${t.address.host}]` : t.address.host;
  const text = t.address.port === null ? host : `${host}:${t.address.port}`;
  return `<small class="address" title="${h(text)}">${h(text)}</small>`;
}

function device(t: TargetStatusJson): string {
  const facts = [t.device?.version ? `RouterOS ${clip(t.device.version, 48)}` : null, t.device?.board ? clip(t.device.board, 48) : null].filter((f): f is string => !!f);
  return facts.length === 0 ? '' : `<small class="device">${h(facts.join(' · '))}</small>`;
}

/** "down since 09:48:12 / for 12m 3s": the outage's start, which failed attempts do not move. */
function since(t: TargetStatusJson, now: number): string {
  const [label, at] = t.state === 'connected' && t.connectedSince ? ['up since', t.connectedSince] : t.downSince ? ['down since', t.downSince] : ['since', t.since];
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) return DASH;
  return `<span class="label">${label}</span> ${timeTag(at, now)}<small>for ${h(duration(now - ms))}</small>`;
}

function lastAttempt(t: TargetStatusJson, now: number): string {
  if (!t.lastAttempt) return DASH;
  const failed = t.lastAttempt.outcome === 'failure';
  return `${timeTag(t.lastAttempt.at, now, relative(t.lastAttempt.at, now))}<small class="outcome-${failed ? 'failure' : 'success'}">${failed ? 'failed' : 'connected'}</small>`;
}

function nextAttempt(t: TargetStatusJson, now: number): string {
  switch (t.state) {
    case 'connecting':
      return 'in flight<small>an attempt is running</small>';
    case 'failed':
      return 'none<small>gave up</small>';
    case 'disconnected': {
      if (t.nextAttemptAt === null) return DASH;
      const at = Date.parse(t.nextAttemptAt);
      return timeTag(t.nextAttemptAt, now, Number.isFinite(at) && at > now ? `in ${duration(at - now)}` : 'due now');
    }
    default:
      return DASH;
  }
}

function lastError(t: TargetStatusJson, now: number): string {
  const e = t.lastError;
  if (!e) return '';
  return `${e.code ? `<code>${h(clip(e.code, 64))}</code><br>` : ''}${h(clip(`${e.reason}: ${e.message}`, 300))}${e.at ? `<small>${h(relative(e.at, now))}</small>` : ''}`;
}

function timeline(t: TargetStatusJson, now: number): string {
  const slots = timelineSlots(
    t.history.map((e) => ({ at: Date.parse(e.at), state: e.state })),
    now,
  );
  const totals = timelineTotals(slots);
  const watched = Object.values(totals).reduce((a, b) => a + b, 0);
  const parts = (Object.entries(totals) as [ConnectionState, number][])
    .filter(([, ms]) => ms >= 500)
    .sort((a, b) => b[1] - a[1])
    .map(([s, ms]) => `${s} ${duration(ms)} (${percent(ms, watched)})`);
  const summary = parts.length > 0 ? parts.join(', ') : 'no data yet';
  const bar = renderTimeline(slots, now, `${t.target}, last hour: ${summary}`, (ms) => (ms > 0 && ms < 1000 ? '<1s' : duration(ms)));
  const from = new Date(slots[0]!.start).toISOString().slice(11, 16);
  return `<div class="timeline-row"><span class="label">Last hour</span><div class="bar">${bar}<div class="axis"><span>${from}</span><span class="summary">${h(summary)}</span><span>now</span></div></div></div>`;
}

/** At most `max` characters (device text is bounded upstream; this keeps one odd value from swamping the page). `/status` keeps the full text. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `79%`; one decimal near the ends (`99.7%`, `0.3%`), where availability is read; `<0.1%` for a trace. */
function percent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const share = (100 * part) / whole;
  if (share > 0 && share < 0.05) return '<0.1%';
  if (share > 99 && share < 100) return `${Math.min(99.9, Math.round(share * 10) / 10)}%`;
  if (share > 0 && share < 1) return `${Math.round(share * 10) / 10}%`;
  return `${Math.round(share)}%`;
}

/** `<time>` with the full ISO instant in `datetime` and `title`, showing `text` or the clock time. */
function timeTag(iso: string, now: number, text?: string): string {
  return `<time datetime="${h(iso)}" title="${h(iso)}">${h(text ?? clock(iso, now))}</time>`;
}

/** `09:48:12` on the day of `now` (UTC), `2026-11-25 09:48` before it. */
function clock(iso: string, now: number): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const text = new Date(ms).toISOString();
  return text.slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? text.slice(11, 19) : `${text.slice(0, 10)} ${text.slice(11, 16)}`;
}

/** `90 s` -> `1m 30s`; days and hours for long spans. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const hh = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${hh}h`;
  if (hh > 0) return `${hh}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** `in 4s` / `27m 0s ago`, relative to `now`. */
function relative(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return '';
  return at > now ? `in ${duration(at - now)}` : `${duration(now - at)} ago`;
}
