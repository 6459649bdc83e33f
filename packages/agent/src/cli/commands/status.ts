import { setTimeout as delay } from 'node:timers/promises';
import type { CliIo } from '../cli-io.js';
import { defineCommand, type Command } from '../command.js';
import { parseDurationFlag } from '../parse-args.js';
import { UsageError } from '../usage-error.js';
import { renderStatusTable, rowFromJson, type StatusJsonTarget } from '../../output/status-rows.js';

export const DEFAULT_STATUS_URL = 'http://127.0.0.1:9464';

/** The parts of `/status` this command reads (it prints `--json` as received). */
export interface StatusJson {
  /** The instant the document describes (agents from before it existed leave it out). */
  readonly generatedAt?: string;
  readonly agent?: { readonly version?: string; readonly uptimeSeconds?: number };
  readonly ready?: { readonly ready?: boolean; readonly rule?: string; readonly connected?: number; readonly total?: number };
  readonly targets: readonly StatusJsonTarget[];
}

/**
 * Fetches `/status` from a running agent's Prometheus exporter. Credentials in the URL
 * (`http://user:pass@host:9464`) become a basic-auth header (fetch refuses them inline).
 */
export async function fetchStatus(base: string, timeoutMs: number): Promise<{ readonly doc: StatusJson; readonly text: string }> {
  let url: URL;
  try {
    url = new URL('/status', base);
  } catch (err) {
    throw new UsageError(`--url must be an http(s) URL: got ${JSON.stringify(base)}`, { cause: err });
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (url.username) {
    headers['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach the agent at ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message} (is it running with the prometheus exporter enabled? see --url)`, { cause: err });
  }
  if (!res.ok) throw new Error(`${url.href} answered HTTP ${res.status}${res.status === 401 ? ' (basic auth: put user:password in --url)' : ''}`);
  const text = await res.text();
  let body: StatusJson | undefined;
  try {
    body = JSON.parse(text) as StatusJson;
  } catch {
    body = undefined;
  }
  if (!body || !Array.isArray(body.targets)) throw new Error(`${url.href} did not return an rds-agent status document`);
  return { doc: body, text };
}

/**
 * The table, with ages read against the agent's own clock (`generatedAt`) when it says, so a skewed
 * local clock cannot make an outage look older or younger than it is.
 */
export function renderStatus(doc: StatusJson, url: string, localNow: number): string {
  const stamped = doc.generatedAt ? Date.parse(doc.generatedAt) : Number.NaN;
  const now = Number.isFinite(stamped) ? stamped : localNow;
  const ready = doc.ready ? `${doc.ready.ready ? 'ready' : 'NOT ready'} (${doc.ready.connected ?? '?'}/${doc.ready.total ?? '?'} connected, rule: ${doc.ready.rule ?? '?'})` : '';
  const header = `rds-agent ${doc.agent?.version ?? ''} at ${url}${doc.agent?.uptimeSeconds !== undefined ? `, up ${doc.agent.uptimeSeconds}s` : ''}${ready ? `, ${ready}` : ''}\n`;
  return header + renderStatusTable(doc.targets.map(rowFromJson), now);
}

export const statusCommand: Command = defineCommand({
  name: 'status',
  summary: "show a running agent's targets (reads its /status endpoint)",
  help: `Usage: rds-agent status [--url ${DEFAULT_STATUS_URL}] [--watch [--interval 2s]] [--json]

Reads the /status document of a running agent (served by the prometheus
exporter) and prints one row per target: state and reason; when the outage
began (down since) or the connection came up (up since), which failed
attempts do not move; failed attempts in the current outage; the last
attempt (ok or failed, how long ago); when the next is due ("in flight"
while one runs); last probe latency; the device's address; the last error.
Times are UTC, ages are read against the agent's clock.

Options:
  --url <url>          the agent's prometheus exporter (default ${DEFAULT_STATUS_URL});
                       basic auth: http://user:password@host:port
  -w, --watch          refresh until interrupted
  --interval <dur>     refresh period with --watch (default 2s)
  --timeout <dur>      request deadline (default 5s)
  --json               print the status document as the agent serves it
  --debug              print stack traces with errors
  -h, --help           show this help

Exit codes: 0 printed, 1 the agent could not be reached, 2 bad usage.
`,
  options: {
        url: { type: 'string' },
        watch: { type: 'boolean', short: 'w' },
        interval: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
      },
  async execute(context) {
    const { values, io } = context;
    const url = values.url ?? io.env['RDS_AGENT_STATUS_URL'] ?? DEFAULT_STATUS_URL;
    const intervalMs = parseDurationFlag('interval', values.interval, 2000);
    const timeoutMs = parseDurationFlag('timeout', values.timeout, 5000);
    if (!values.watch) {
      const { doc, text } = await fetchStatus(url, timeoutMs);
      // --json is the document as the agent served it, byte for byte, so scripts see every field.
      io.stdout.write(values.json ? (text.endsWith('\n') ? text : `${text}\n`) : renderStatus(doc, url, Date.now()));
      return 0;
    }
    return await watch(io, url, intervalMs, timeoutMs, values.json === true);
  },
});

async function watch(io: CliIo, url: string, intervalMs: number, timeoutMs: number, json: boolean): Promise<number> {
  const stop = new AbortController();
  const unsubscribe = io.onSignal((s) => {
    if (s !== 'SIGHUP') stop.abort();
  });
  const tty = io.stdout.isTTY === true && !json;
  try {
    while (!stop.signal.aborted) {
      let text: string;
      try {
        const { doc } = await fetchStatus(url, timeoutMs);
        // One document per line with --watch --json (JSON lines), every field kept.
        text = json ? `${JSON.stringify(doc)}\n` : renderStatus(doc, url, Date.now());
      } catch (err) {
        if (err instanceof UsageError) throw err;
        text = `${new Date().toISOString()} ${(err as Error).message}\n`;
      }
      // On a terminal, redraw in place; otherwise append (a log of snapshots).
      io.stdout.write(tty ? `\x1b[H\x1b[2J${text}\n(refreshing every ${intervalMs / 1000}s; Ctrl-C to quit)\n` : `${text}\n`);
      await delay(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
    return 0;
  } finally {
    unsubscribe();
  }
}
