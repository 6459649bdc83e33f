import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';
import { METRIC_CATALOG, Metrics } from '@rds-agent/core';
import { effectiveCatalog, MetricsHub, silentLogger } from '@rds-agent/core/testing';
import { sample } from '../harness.test.support.js';
import { writeOpenMetricsFamily, type MetricSnapshot } from './openmetrics.js';
import { PromMetricStore } from './prom-metric-store.js';

describe('PromMetricStore', () => {
  it('declares every catalog metric with its type and help', async () => {
    const text = await new PromMetricStore().renderText();
    for (const def of METRIC_CATALOG) {
      assert.match(text, new RegExp(`^# TYPE ${def.name} ${def.kind}$`, 'm'), def.name);
      assert.ok(text.includes(`# HELP ${def.name} ${def.help}`), def.name);
    }
  });

  it('applies set, add, observe to gauges, counters and histograms', async () => {
    const store = new PromMetricStore();
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 1 });
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 0 });
    store.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'a', status: 'success' }, value: 0 });
    store.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'a', status: 'failure' }, value: 1 });
    store.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'a', status: 'failure' }, value: 2 });
    store.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target: 'a' }, value: 1.5 });
    store.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target: 'a' }, value: 45 });
    const text = await store.renderText();
    assert.equal(sample(text, 'rds_connection_state{target="a"}'), 0);
    assert.equal(sample(text, 'rds_reconnect_total{target="a",status="success"}'), 0, 'an add of 0 creates the series');
    assert.equal(sample(text, 'rds_reconnect_total{target="a",status="failure"}'), 3);
    assert.equal(sample(text, 'rds_reconnect_duration_seconds_bucket{le="1",target="a"}'), 0);
    assert.equal(sample(text, 'rds_reconnect_duration_seconds_bucket{le="2",target="a"}'), 1);
    assert.equal(sample(text, 'rds_reconnect_duration_seconds_bucket{le="60",target="a"}'), 2);
    assert.equal(sample(text, 'rds_reconnect_duration_seconds_bucket{le="+Inf",target="a"}'), 2);
    assert.equal(sample(text, 'rds_reconnect_duration_seconds_sum{target="a"}'), 46.5);
    assert.equal(sample(text, 'rds_reconnect_duration_seconds_count{target="a"}'), 2);
  });

  it('uses the reference buckets for reconnect duration', async () => {
    const store = new PromMetricStore();
    store.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target: 'a' }, value: 0.01 });
    const les = [...(await store.renderText()).matchAll(/rds_reconnect_duration_seconds_bucket\{le="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(les, ['0.1', '0.5', '1', '2', '5', '10', '30', '60', '+Inf']);
  });

  it('rejects an update whose op does not fit the metric kind', () => {
    const store = new PromMetricStore();
    assert.throws(() => store.record({ op: 'set', metric: Metrics.reconnects, labels: { target: 'a', status: 'success' }, value: 1 }), /cannot apply "set" to counter/);
    assert.throws(() => store.record({ op: 'add', metric: Metrics.connectionState, labels: { target: 'a' }, value: 1 }), /cannot apply "add" to gauge/);
  });

  it('delete drops one series; forget drops every series of one target only', async () => {
    const { metrics: catalog, targetInfo } = effectiveCatalog(['host_key_verification', 'probe_mode']);
    const store = new PromMetricStore({ catalog });
    for (const target of ['a', 'b']) {
      store.record({ op: 'set', metric: Metrics.connectionState, labels: { target }, value: 1 });
      store.record({ op: 'add', metric: Metrics.disconnects, labels: { target, reason: 'network' }, value: 1 });
      store.record({ op: 'add', metric: Metrics.disconnects, labels: { target, reason: 'timeout' }, value: 1 });
      store.record({ op: 'observe', metric: Metrics.probeDuration, labels: { target }, value: 0.003 });
      store.record({ op: 'set', metric: targetInfo, labels: { target, transport: 'rds-ssh', host_key_verification: 'pinned', probe_mode: 'command' }, value: 1 });
    }
    store.record({ op: 'delete', metric: targetInfo, labels: { target: 'a', transport: 'rds-ssh', host_key_verification: 'pinned', probe_mode: 'command' } });
    let text = await store.renderText();
    assert.doesNotMatch(text, /rds_target_info\{target="a"/);
    assert.match(text, /rds_target_info\{target="b"/);
    assert.deepEqual(store.seriesOf('a'), { rds_connection_state: 1, rds_disconnects_total: 2, rds_probe_duration_seconds: 1 });

    store.record({ op: 'forget', target: 'a' });
    text = await store.renderText();
    assert.doesNotMatch(text, /target="a"/);
    assert.equal(sample(text, 'rds_disconnects_total{target="b",reason="timeout"}'), 1);
    assert.equal(sample(text, 'rds_probe_duration_seconds_count{target="b"}'), 1);
    assert.deepEqual(store.seriesOf('a'), {});
  });

  it('prefixes catalog names (rds_csi_ keeps reference-driver dashboards) but not process metrics', async () => {
    const store = new PromMetricStore({ prefix: 'rds_csi_', defaultMetrics: true });
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 1 });
    const text = await store.renderText();
    assert.equal(sample(text, 'rds_csi_rds_connection_state{target="a"}'), 1);
    assert.match(text, /^# TYPE rds_csi_rds_reconnect_total counter$/m);
    assert.doesNotMatch(text, /^rds_connection_state/m);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.doesNotMatch(text, /rds_csi_process/);
    // Gauges named *_total fail promtool's lint; their by-type breakdown stays.
    assert.doesNotMatch(text, /^nodejs_active_\w+_total/m);
    assert.match(text, /^# TYPE nodejs_active_handles gauge$/m);
  });

  it('escapes label values', async () => {
    const store = new PromMetricStore();
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a"b\\c\nd' }, value: 1 });
    assert.equal(sample(await store.renderText(), 'rds_connection_state{target="a\\"b\\\\c\\nd"}'), 1);
    assert.equal(sample(await store.renderOpenMetrics(), 'rds_connection_state{target="a\\"b\\\\c\\nd"}'), 1);
  });

  it('writes OpenMetrics: counter families without _total, samples with it, # EOF at the end', async () => {
    const store = new PromMetricStore({ defaultMetrics: true });
    store.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'a', status: 'success' }, value: 2 });
    store.record({ op: 'observe', metric: Metrics.probeDuration, labels: { target: 'a' }, value: 0.002 });
    const om = await store.renderOpenMetrics();
    assert.match(om, /^# TYPE rds_reconnect counter$/m);
    assert.match(om, /^# HELP rds_reconnect /m);
    assert.equal(sample(om, 'rds_reconnect_total{target="a",status="success"}'), 2);
    assert.match(om, /^# TYPE process_cpu_user_seconds counter$/m);
    assert.match(om, /^# TYPE rds_probe_duration_seconds histogram$/m);
    assert.equal(sample(om, 'rds_probe_duration_seconds_bucket{le="+Inf",target="a"}'), 1);
    assert.ok(om.endsWith('\n# EOF\n'));
    assert.equal(om.match(/# EOF/g)!.length, 1);
    assert.doesNotMatch(om, /\n\n/, 'OpenMetrics allows no blank lines');
    // Rendering OpenMetrics must not rename counters in the classic format.
    assert.equal(sample(await store.renderText(), 'rds_reconnect_total{target="a",status="success"}'), 2);
  });

  it('re-renders a family only after it changed', async () => {
    const store = new PromMetricStore();
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 1 });
    const first = await store.renderText();
    assert.equal(await store.renderText(), first);
    const bytes = await store.render('text');
    assert.equal(await store.render('text'), bytes, 'unchanged: the very same Buffer (its gzip can be reused)');
    store.record({ op: 'add', metric: Metrics.hookErrors, labels: { target: 'a' }, value: 1 });
    assert.notEqual(await store.render('text'), bytes);
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 0 });
    assert.equal(sample(await store.renderText(), 'rds_connection_state{target="a"}'), 0);
    assert.equal(sample(await store.renderOpenMetrics(), 'rds_connection_state{target="a"}'), 0);
  });

  it('counts exactly when many targets flap at once through the hub', async () => {
    const hub = new MetricsHub(silentLogger(), '1.0.0');
    const store = new PromMetricStore();
    hub.subscribe('prometheus', store);
    const targets = Array.from({ length: 50 }, (_, i) => `rds-${i}`);
    const flaps = 20;
    let at = 1_000;
    // Interleave the targets' events the way simultaneous outages arrive: round by round.
    for (let round = 0; round < flaps; round++) {
      for (const target of targets) hub.emit({ type: 'disconnected', target, at, reason: round % 2 ? 'timeout' : 'network', detectedBy: 'transport' });
      for (const target of targets) hub.emit({ type: 'attempt', target, at, attempt: 1, outcome: 'failure', durationMs: 1, error: { code: 'RDS_AGENT_ERR_NETWORK', reason: 'network', message: 'x', retryable: true } });
      for (const target of targets) hub.emit({ type: 'attempt', target, at, attempt: 2, outcome: 'success', durationMs: 1 });
      for (const target of targets) hub.emit({ type: 'recovered', target, at, outageMs: 700, attempts: 2 });
      at += 1_000;
      if (round === flaps / 2) await store.renderText(); // a scrape in the middle must not disturb the counts
    }
    const text = await store.renderText();
    for (const target of targets) {
      assert.equal(sample(text, `rds_reconnect_total{target="${target}",status="success"}`), flaps);
      assert.equal(sample(text, `rds_reconnect_total{target="${target}",status="failure"}`), flaps);
      assert.equal(sample(text, `rds_disconnects_total{target="${target}",reason="network"}`), flaps / 2);
      assert.equal(sample(text, `rds_disconnects_total{target="${target}",reason="timeout"}`), flaps / 2);
      assert.equal(sample(text, `rds_connect_errors_total{target="${target}",reason="network"}`), flaps);
      assert.equal(sample(text, `rds_reconnect_duration_seconds_count{target="${target}"}`), flaps);
      assert.equal(sample(text, `rds_reconnect_duration_seconds_bucket{le="0.5",target="${target}"}`), 0);
      assert.equal(sample(text, `rds_reconnect_duration_seconds_bucket{le="1",target="${target}"}`), flaps);
    }
  });

  it('creates a family for a metric the catalog did not have at start', async () => {
    const store = new PromMetricStore();
    const def = { name: 'rds_system_cpu_load_ratio', otelName: 'rds.system.cpu.load', kind: 'gauge', unit: '1', labels: ['target'], help: 'CPU load.' } as const;
    store.record({ op: 'set', metric: def, labels: { target: 'a' }, value: 0.25 });
    assert.equal(sample(await store.renderText(), 'rds_system_cpu_load_ratio{target="a"}'), 0.25);
  });
});

/** A deterministic pseudo-random sequence (the test must not depend on luck). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Drives a store through many updates of every kind, the way a running agent does. */
function churn(store: PromMetricStore, rounds: number, seed = 1): void {
  const random = lcg(seed);
  const { targetInfo } = effectiveCatalog(['probe_mode']);
  const targets = Array.from({ length: 12 }, (_, i) => `rds-${i}`);
  for (let r = 0; r < rounds; r++) {
    const target = targets[Math.floor(random() * targets.length)]!;
    const pick = random();
    if (pick < 0.3) store.record({ op: 'observe', metric: Metrics.probeDuration, labels: { target }, value: random() * 0.05 });
    else if (pick < 0.4) store.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target }, value: random() * 100 });
    else if (pick < 0.5) store.record({ op: 'set', metric: Metrics.connectionState, labels: { target }, value: random() < 0.5 ? 0 : 1 });
    else if (pick < 0.6) store.record({ op: 'add', metric: Metrics.reconnects, labels: { target, status: random() < 0.5 ? 'success' : 'failure' }, value: 1 });
    else if (pick < 0.7) store.record({ op: 'set', metric: Metrics.systemCpuLoad, labels: { target }, value: Math.round(random() * 100) / 100 });
    else if (pick < 0.8) store.record({ op: 'add', metric: Metrics.diskReadBytes, labels: { target, slot: `slot${Math.floor(random() * 3)}` }, value: Math.floor(random() * 1e6) });
    else if (pick < 0.88) store.record({ op: 'set', metric: targetInfo, labels: { target, transport: 'rds-ssh', probe_mode: random() < 0.5 ? 'command' : 'keepalive' }, value: 1 });
    else if (pick < 0.94) store.record({ op: 'delete', metric: targetInfo, labels: { target, transport: 'rds-ssh', probe_mode: 'command' } });
    else if (pick < 0.97) store.record({ op: 'set', metric: Metrics.backoffDelay, labels: { target }, value: random() * 16 });
    else store.record({ op: 'forget', target });
  }
}

/** What prom-client itself renders for the store's registry (the registry of record). */
async function promClientText(store: PromMetricStore): Promise<string> {
  return (await store.registry.metrics()).replace(/\n\n/g, '\n');
}

describe('PromMetricStore series cache', () => {
  it('renders byte for byte what prom-client renders for the same registry, through any mix of updates', async () => {
    const store = new PromMetricStore({ catalog: effectiveCatalog(['probe_mode']).metrics });
    for (let step = 0; step < 20; step++) {
      churn(store, 150, step + 1);
      assert.equal(await store.renderText(), await promClientText(store), `after step ${step}`);
    }
    assert.equal((gunzipSync(await store.renderGzip('text'))).toString('utf8'), await promClientText(store));
  });

  it('renders OpenMetrics as the snapshot writer does from prom-client', async () => {
    const store = new PromMetricStore({ catalog: effectiveCatalog(['probe_mode']).metrics });
    churn(store, 2000, 7);
    let expected = '';
    for (const metric of store.registry.getMetricsAsArray()) expected += writeOpenMetricsFamily((await (metric as unknown as { get(): Promise<unknown> }).get()) as MetricSnapshot);
    assert.equal(await store.renderOpenMetrics(), `${expected}# EOF\n`);
  });

  it('renders a changed series again and nothing else', async () => {
    const store = new PromMetricStore();
    for (let t = 0; t < 200; t++) {
      const target = `rds-${t}`;
      store.record({ op: 'set', metric: Metrics.connectionState, labels: { target }, value: 1 });
      store.record({ op: 'observe', metric: Metrics.probeDuration, labels: { target }, value: 0.002 });
    }
    await store.renderGzip('openmetrics');
    const before = { ...store.stats };
    store.record({ op: 'observe', metric: Metrics.probeDuration, labels: { target: 'rds-77' }, value: 0.004 });
    const text = (gunzipSync(await store.renderGzip('openmetrics'))).toString('utf8');
    assert.equal(sample(text, 'rds_probe_duration_seconds_count{target="rds-77"}'), 2);
    assert.equal(store.stats.seriesRendered - before.seriesRendered, 1, 'one series rendered');
    assert.equal(store.stats.blocksRendered - before.blocksRendered, 1, 'one block assembled');
    assert.equal(store.stats.piecesCompressed - before.piecesCompressed, 1, 'one piece compressed');
    // The text format shares the sample lines: only its headers are new.
    await store.render('text');
    assert.equal(store.stats.seriesRendered - before.seriesRendered, 1);
    // Setting a gauge to the value it has, or adding 0 to a counter, changes nothing: same page, no work.
    store.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'rds-5', status: 'success' }, value: 0 }); // a new series at 0
    const page = await store.render('text');
    const rendered = store.stats.seriesRendered;
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'rds-5' }, value: 1 });
    store.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'rds-5', status: 'success' }, value: 0 });
    assert.equal(await store.render('text'), page, 'the very same Buffer');
    assert.equal(store.stats.seriesRendered, rendered);
  });

  it('shares one render between concurrent requests for the same format', async () => {
    const store = new PromMetricStore();
    store.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 1 });
    const renders = store.stats.renders;
    const [a, b, gz] = await Promise.all([store.render('text'), store.render('text'), store.renderGzip('text')]);
    assert.equal(a, b, 'the very same Buffer');
    assert.equal(store.stats.renders - renders, 1, 'identity and gzip came from one render');
    assert.equal(gunzipSync(gz).toString('utf8'), a.toString('utf8'));
  });

  it('lets the event loop turn while rendering 1,000 targets', async () => {
    const store = new PromMetricStore();
    for (let t = 0; t < 1000; t++) {
      const target = `rds-${t}`;
      for (let p = 0; p < 3; p++) store.record({ op: 'observe', metric: Metrics.probeDuration, labels: { target }, value: 0.001 * p });
      store.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target }, value: 1 });
      store.record({ op: 'set', metric: Metrics.connectionState, labels: { target }, value: 1 });
    }
    let turns = 0;
    let rendering = true;
    const spin = (): void => {
      turns++;
      if (rendering) setImmediate(spin);
    };
    setImmediate(spin);
    const body = await store.renderGzip('text');
    rendering = false;
    assert.ok(body.length > 0);
    // ~33,000 lines: a render that never yields would let the loop turn at most once.
    assert.ok(turns >= 4, `the event loop turned ${turns} times during the render`);
  });

  it('sends one gzip member whose deflate stream holds the whole page', async () => {
    const store = new PromMetricStore({ catalog: effectiveCatalog(['probe_mode']).metrics });
    churn(store, 3000, 3);
    const gz = await store.renderGzip('text');
    const text = await store.render('text');
    // One deflate stream from the header to the trailer: readers that stop after the first member (curl) see everything.
    assert.equal(inflateRawSync(gz.subarray(10, gz.length - 8)).toString('utf8'), text.toString('utf8'));
    const plain = gunzipSync(gz);
    assert.equal(gz.readUInt32LE(gz.length - 8), crc32(plain));
    assert.equal(gz.readUInt32LE(gz.length - 4), plain.length);
  });
});

describe('PromMetricStore families outside the catalog style', () => {
  it('renders a counter without _total and unlabelled metrics as prom-client and the snapshot writer do', async () => {
    const counter = { name: 'x_requests', otelName: 'x.requests', kind: 'counter', unit: '{request}', labels: ['target'], help: 'Requests "seen".' } as const;
    const histogram = { name: 'x_latency_seconds', otelName: 'x.latency', kind: 'histogram', unit: 's', labels: [], help: 'Latency.', buckets: [0.1, 1] } as const;
    const gauge = { name: 'x_up', otelName: 'x.up', kind: 'gauge', unit: '1', labels: [], help: 'Up.' } as const;
    const store = new PromMetricStore({ catalog: [counter, histogram, gauge] });
    assert.equal(await store.renderText(), await promClientText(store), 'unlabelled series exist at 0 from the start');
    store.record({ op: 'add', metric: counter, labels: { target: 'a' }, value: 3 });
    store.record({ op: 'observe', metric: histogram, labels: {}, value: 0.5 });
    store.record({ op: 'set', metric: gauge, labels: {}, value: 1 });
    assert.equal(await store.renderText(), await promClientText(store));
    let expected = '';
    for (const metric of store.registry.getMetricsAsArray()) expected += writeOpenMetricsFamily((await (metric as unknown as { get(): Promise<unknown> }).get()) as MetricSnapshot);
    assert.equal(await store.renderOpenMetrics(), `${expected}# EOF\n`);
    assert.match(await store.renderOpenMetrics(), /^x_requests_total\{target="a"\} 3$/m);
  });
});
