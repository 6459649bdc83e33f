import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METRIC_CATALOG, Metrics, RECONNECT_DURATION_BUCKETS, type MetricDef } from './catalog.js';

/**
 * The OpenTelemetry -> Prometheus name translation the catalog promises (as the OTel Prometheus
 * exporter does it): dots become underscores, a unit adds its suffix (`s` -> `_seconds`,
 * `By` -> `_bytes`, `1` -> `_ratio` for gauges, `Cel` -> `_celsius`, `V` -> `_volts`, `A` -> `_amperes`,
 * `W` -> `_watts`; `{annotation}` adds nothing), counters end in `_total`.
 */
function prometheusNameOf(def: MetricDef): string {
  let name = def.otelName.replace(/\./g, '_');
  const suffix = unitSuffix(def);
  if (suffix && !name.endsWith(suffix)) name += suffix;
  if (def.kind === 'counter' && !name.endsWith('_total')) name += '_total';
  return name;
}

function unitSuffix(def: MetricDef): string {
  if (def.unit.startsWith('{')) return '';
  switch (def.unit) {
    case 's':
      return '_seconds';
    case 'By':
      return '_bytes';
    case '1':
      return def.kind === 'gauge' ? '_ratio' : '';
    // The UCUM units of the device sensors, spelled as the OTel Prometheus translator spells them.
    case 'Cel':
      return '_celsius';
    case 'V':
      return '_volts';
    case 'A':
      return '_amperes';
    case 'W':
      return '_watts';
    default:
      return `_${def.unit}`;
  }
}

describe('metric catalog', () => {
  for (const def of METRIC_CATALOG) {
    it(`${def.name}: OTel name ${def.otelName} + unit ${def.unit} translates to the Prometheus name`, () => {
      assert.equal(prometheusNameOf(def), def.name);
    });
  }

  it('names, labels and help are valid and unique', () => {
    const names = new Set<string>();
    for (const def of METRIC_CATALOG) {
      assert.match(def.name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      assert.ok(!names.has(def.name), `duplicate ${def.name}`);
      names.add(def.name);
      assert.ok(def.help.length > 10, `${def.name} has help`);
      for (const label of def.labels) assert.match(label, /^[a-zA-Z_][a-zA-Z0-9_]*$/);
      assert.equal(new Set(def.labels).size, def.labels.length, `${def.name} labels unique`);
      assert.ok(Object.isFrozen(def) && Object.isFrozen(def.labels));
      if (def.kind === 'histogram') {
        assert.ok(def.buckets && def.buckets.length > 0, `${def.name} has buckets`);
        assert.deepEqual([...def.buckets!], [...def.buckets!].sort((a, b) => a - b), `${def.name} buckets ascending`);
      }
    }
  });

  it('keeps the reference metrics (now with a target label) and buckets', () => {
    assert.deepEqual([Metrics.connectionState.name, Metrics.connectionState.kind, [...Metrics.connectionState.labels]], ['rds_connection_state', 'gauge', ['target']]);
    assert.deepEqual([Metrics.reconnects.name, Metrics.reconnects.kind, [...Metrics.reconnects.labels]], ['rds_reconnect_total', 'counter', ['target', 'status']]);
    assert.deepEqual([Metrics.reconnectDuration.name, Metrics.reconnectDuration.kind], ['rds_reconnect_duration_seconds', 'histogram']);
    assert.deepEqual([...Metrics.reconnectDuration.buckets], [0.1, 0.5, 1, 2, 5, 10, 30, 60]);
    assert.deepEqual([...RECONNECT_DURATION_BUCKETS], [0.1, 0.5, 1, 2, 5, 10, 30, 60]);
    assert.equal(Metrics.disconnects.name, 'rds_disconnects_total');
  });
});
