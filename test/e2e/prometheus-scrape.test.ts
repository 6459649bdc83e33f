/**
 * Real peer: a private Prometheus server scrapes the exporter every second; the query API must
 * show a simulated target's loss (0) and recovery (1), with counters that survive the reconnect.
 * (The dashboard's queries are evaluated against a running agent in prometheus-dashboard-alerts.test.ts.)
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_REVISION, FIXTURE_START_TIME, startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';
import { PrometheusServer } from '../support/prometheus-server.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('Prometheus server scraping the exporter', { timeout: 120_000 }, () => {
  let fx: ExporterFixture;
  let prom: PrometheusServer;

  before(async () => {
    fx = await startExporter();
    fx.target.connect('rds-a');
    fx.target.connect('rds-b');
    fx.target.probe('rds-a', 3.5);
    prom = await PrometheusServer.start([{ target: fx.hostPort }]);
  });
  after(async () => {
    await prom?.stop();
    await fx?.stop();
  });

  it('sees the exporter up and the targets connected', async () => {
    await prom.waitForValue('up{job="rds-agent"}', 1);
    await prom.waitForValue('rds_connection_state{target="rds-a"}', 1);
    await prom.waitForValue('rds_connection_state{target="rds-b"}', 1);
    const [target] = await prom.targets();
    assert.equal(target!.health, 'up');
    assert.equal(target!.lastError, '');
  });

  it('shows a loss as 0 and the recovery as 1, counters carried across the reconnect', async () => {
    fx.target.lose('rds-a', 'timeout');
    fx.target.failAttempt('rds-a', 'refused');
    await prom.waitForValue('rds_connection_state{target="rds-a"}', 0);
    // The other target is unaffected.
    assert.equal(Number((await prom.query('rds_connection_state{target="rds-b"}'))[0]!.value[1]), 1);
    await prom.waitForValue('rds_disconnects_total{target="rds-a",reason="timeout"}', 1);
    await prom.waitForValue('rds_connect_errors_total{target="rds-a",reason="refused"}', 1);
    await prom.waitForValue('rds_backoff_delay_seconds{target="rds-a"}', 2);

    fx.target.connect('rds-a');
    await prom.waitForValue('rds_connection_state{target="rds-a"}', 1);
    await prom.waitForValue('rds_reconnect_total{target="rds-a",status="success"}', 2);
    await prom.waitForValue('rds_reconnect_total{target="rds-a",status="failure"}', 1);
    await prom.waitForValue('rds_reconnect_duration_seconds_count{target="rds-a"}', 2);
    await prom.waitForValue('rds_backoff_delay_seconds{target="rds-a"}', 0);
  });

  it('ingests every metric kind (OpenMetrics negotiated by Prometheus) without scrape errors', async () => {
    const installed = async (name: string): Promise<string> => (JSON.parse(await readFile(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    const build = [
      'version="0.1.0-e2e"',
      `revision="${FIXTURE_REVISION}"`,
      `nodejs_version="${process.versions.node}"`,
      `ssh2_version="${await installed('ssh2')}"`,
      `prom_client_version="${await installed('prom-client')}"`,
      `opentelemetry_sdk_metrics_version="${await installed('@opentelemetry/sdk-metrics')}"`,
    ];
    await prom.waitForValue(`rds_agent_build_info{${build.join(',')}}`, 1);
    await prom.waitForValue('rds_agent_start_time_seconds', FIXTURE_START_TIME);
    await prom.waitForValue('rds_target_info{target="rds-a",transport="rds-ssh",probe_mode="command"}', 1);
    await prom.waitForValue('rds_probe_duration_seconds_bucket{target="rds-a",le="0.005"}', 1);
    await prom.waitForValue('count(process_cpu_user_seconds_total)', 1);
    const [target] = await prom.targets();
    assert.equal(target!.lastError, '');
    const samples = await prom.query('scrape_samples_scraped{job="rds-agent"}');
    assert.ok(Number(samples[0]!.value[1]) > 50, `scraped ${samples[0]?.value[1]} samples`);
  });
});
