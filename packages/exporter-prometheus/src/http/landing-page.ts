import { escapeHtml as h } from './html.js';
import type { StatusDocument } from './status-document.js';

const STATE_COLOURS: Record<string, string> = {
  connected: '#1a7f37',
  connecting: '#9a6700',
  disconnected: '#cf222e',
  failed: '#82071e',
  stopped: '#57606a',
  idle: '#57606a',
};

/**
 * The `/` page, in the manner of node_exporter's: what this is, links to the other endpoints, and
 * the targets table. Every dynamic value is HTML-escaped (target names and error messages come
 * from config and from devices). No scripts; the page is static per request.
 */
export function landingPage(doc: StatusDocument, metricsPath: string, now: number): string {
  const rows = doc.targets
    .map(
      (t) => `<tr data-target="${h(t.target)}">
<td class="name">${h(t.target)}</td>
<td class="state" style="color:${STATE_COLOURS[t.state] ?? '#24292f'}">${h(t.state)}</td>
<td>${h(t.reason)}</td>
<td class="time"><time datetime="${h(t.since)}">${h(shortTime(t.since))}</time><br><small>${h(relative(t.since, now))}</small></td>
<td class="num">${t.lastProbeLatencyMs === null ? '&ndash;' : `${h(t.lastProbeLatencyMs.toFixed(1))}&nbsp;ms`}</td>
<td class="num">${h(t.attempts)}</td>
<td class="time">${t.nextAttemptAt === null ? '&ndash;' : h(relative(t.nextAttemptAt, now))}</td>
<td>${t.lastError ? h(`${t.lastError.reason}: ${t.lastError.message}`) : ''}</td>
</tr>`,
    )
    .join('\n');
  const ready = doc.ready.ready ? 'ready' : 'not ready';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rds-agent</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#24292f;max-width:72rem}
h1{font-size:1.5rem;margin-bottom:.25rem}
p.meta{color:#57606a;margin-top:0}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
small{color:#57606a}
td.state{font-weight:600}
td.name{white-space:nowrap;font-weight:500}
ul.links{padding-left:1.2rem}
</style>
</head>
<body>
<h1>rds-agent</h1>
<p class="meta">Connection health of MikroTik ROSE Data Server targets. Version ${h(doc.agent.version)}, up ${h(duration(doc.agent.uptimeSeconds * 1000))},
<span id="ready">${h(ready)}</span> (${h(doc.ready.connected)} of ${h(doc.ready.total)} connected, rule: ${h(doc.ready.rule)}).</p>
<ul class="links">
<li><a href="${h(metricsPath)}">Metrics</a> (Prometheus / OpenMetrics)</li>
<li><a href="/status">Status</a> (JSON)</li>
<li><a href="/readyz">Readiness</a> &middot; <a href="/healthz">Health</a></li>
</ul>
<table id="targets">
<thead><tr><th>Target</th><th>State</th><th>Reason</th><th>Since</th><th>Last probe</th><th>Failed attempts</th><th>Next attempt</th><th>Last error</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8">No targets yet.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}

/** `2026-11-26T09:03:00.000Z` -> `2026-11-26 09:03:00Z`. */
function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
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
