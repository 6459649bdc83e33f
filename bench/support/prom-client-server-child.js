// The baseline for the agent's /metrics: a plain prom-client registry holding the same series as
// the agent (rebuilt from its text exposition: same names, types, label sets and histogram buckets),
// rendered on every request with `registry.metrics()` and gzipped at the same level the exporter
// uses, as a typical prom-client HTTP server would. prom-client keeps no rendered cache, so churn
// between scrapes does not change its cost. Driven over IPC.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzip, constants } from 'node:zlib';
import client from 'prom-client';
import { parseExposition } from './prom-text.js';

function build(text) {
  const { samples, types, helps } = parseExposition(text);
  const registry = new client.Registry();
  const families = new Map();
  const familyOf = (name) => {
    for (const suffix of ['_bucket', '_sum', '_count', '']) {
      if (name.endsWith(suffix)) {
        const base = suffix ? name.slice(0, -suffix.length) : name;
        if (types.get(base) === 'histogram') return base;
      }
    }
    return name;
  };
  for (const s of samples) {
    const fam = familyOf(s.name);
    let f = families.get(fam);
    if (!f) {
      f = { type: types.get(fam) ?? 'gauge', labelNames: new Set(), buckets: new Set(), series: new Map() };
      families.set(fam, f);
    }
    const labels = { ...s.labels };
    if (f.type === 'histogram') {
      if (s.name.endsWith('_bucket')) {
        if (labels.le !== '+Inf') f.buckets.add(Number(labels.le));
        delete labels.le;
      } else continue;
    }
    for (const k of Object.keys(labels)) f.labelNames.add(k);
    f.series.set(JSON.stringify(labels), { labels, value: s.value });
  }
  let series = 0;
  for (const [name, f] of families) {
    const cfg = { name, help: helps.get(name) ?? name, labelNames: [...f.labelNames], registers: [registry] };
    if (f.type === 'histogram') {
      const h = new client.Histogram({ ...cfg, buckets: [...f.buckets].sort((a, b) => a - b) });
      for (const { labels } of f.series.values()) h.observe(labels, 0.004);
    } else {
      const m = f.type === 'counter' ? new client.Counter(cfg) : new client.Gauge(cfg);
      for (const { labels, value } of f.series.values()) (f.type === 'counter' ? m.inc(labels, Math.max(0, value)) : m.set(labels, value));
    }
    series += f.series.size;
  }
  return { registry, families: families.size, series };
}

let server;
process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'start') {
      const { registry, families, series } = build(readFileSync(msg.file, 'utf8'));
      server = createServer(async (req, res) => {
        const body = await registry.metrics();
        const gz = await new Promise((resolve, reject) => gzip(body, { level: constants.Z_BEST_SPEED }, (e, b) => (e ? reject(e) : resolve(b))));
        res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Encoding': 'gzip', 'Content-Length': gz.length });
        res.end(gz);
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const samples = (await registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      process.send({ id: msg.id, ok: true, result: { port: server.address().port, families, series, samples } });
    }
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
