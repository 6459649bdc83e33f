/**
 * Hardware faults end to end: a hot drive, a hot CPU, a stopped fan, a failed PSU and a flapping
 * link on the RDS2216 simulator change what the drives, health and interfaces inputs report, in
 * the Prometheus text and the decoded OTLP of the in-process agent, with `/status` showing the input
 * reading; clearing the fault restores the healthy values. One FakeClock drives agent and device.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { StorageAgent, type SeriesExpectation } from '../support/storage-agent.js';

const T = 'rds-1';

describe('hardware faults through the agent (simulator, both exporters, /status)', () => {
  let h: StorageAgent;
  let connections: number;
  before(async () => {
    h = await StorageAgent.start({ targets: [{ name: T }] });
    connections = h.sim(T).totalConnections;
  });
  afterEach(() => void h?.sim(T).device.clearAllFaults());
  after(async () => {
    await h?.stop();
  });

  async function assertInputRead(input: string): Promise<void> {
    const s = await h.status(T);
    assert.equal(s.state, 'connected');
    assert.deepEqual(s.inputs?.[input], { enabled: true, lastRunAt: new Date(h.now).toISOString(), lastSuccessAt: new Date(h.now).toISOString(), lastError: null }, `${input} in /status`);
    assert.equal(h.sim(T).totalConnections, connections, 'read over the one kept connection');
  }

  /** Applies a fault, steps, expects; clears it, steps, expects the healthy values. */
  async function faultAndRecovery(o: { apply: () => string; input: string; faulty: SeriesExpectation[]; healthy: SeriesExpectation[]; what: string }): Promise<void> {
    await h.step();
    await h.expectSeries(T, o.healthy, `${o.what}: before`);
    const id = o.apply();
    await h.step();
    await h.expectSeries(T, o.faulty, o.what);
    await assertInputRead(o.input);
    assert.equal(h.sim(T).device.clearFault(id), true);
    await h.step();
    await h.expectSeries(T, o.healthy, `${o.what}: recovered`);
    await assertInputRead(o.input);
  }

  it('a hot drive: its temperature and the temperature warning bit', async () => {
    const drive = (celsius: number, warning: number): SeriesExpectation[] => [
      ['rds_drive_temperature_celsius', { slot: 'nvme2' }, celsius],
      ['rds_drive_critical_warning', { slot: 'nvme2', bit: 'temperature' }, warning],
      ['rds_drive_critical_warning', { slot: 'nvme2', bit: 'reliability' }, 0],
      ['rds_drive_temperature_celsius', { slot: 'nvme3' }, 34],
    ];
    await faultAndRecovery({ what: 'nvme2 at 78 C', input: 'drives', apply: () => h.sim(T).device.heatDrive('nvme2', 78), faulty: drive(78, 1), healthy: drive(33, 0) });
  });

  it('a hot CPU: cpu-temperature', async () => {
    const cpu = (celsius: number): SeriesExpectation[] => [
      ['rds_health_temperature_celsius', { sensor: 'cpu-temperature' }, celsius],
      ['rds_health_temperature_celsius', { sensor: 'board-temperature1' }, 38],
    ];
    await faultAndRecovery({ what: 'CPU at 95 C', input: 'health', apply: () => h.sim(T).device.heatCpu(95), faulty: cpu(95), healthy: cpu(43) });
  });

  it('a stopped fan: 0 RPM', async () => {
    const fans = (fan1: number): SeriesExpectation[] => [
      ['rds_health_fan_speed_rpm', { sensor: 'fan1-speed' }, fan1],
      ['rds_health_fan_speed_rpm', { sensor: 'fan2-speed' }, 5720],
    ];
    await faultAndRecovery({ what: 'fan1 stopped', input: 'health', apply: () => h.sim(T).device.stopFan('fan1'), faulty: fans(0), healthy: fans(5654) });
  });

  it('a failed PSU: its state fail, its voltage and current 0, the other PSU carrying the load', async () => {
    const psu = (state: string, volts: number, amps: number, otherAmps: number): SeriesExpectation[] => [
      ...['ok', 'fail', 'not-present', 'idle', 'no-input', 'other'].map((s): SeriesExpectation => ['rds_health_psu_state', { sensor: 'psu2-state', state: s }, s === state ? 1 : 0]),
      ['rds_health_psu_state', { sensor: 'psu1-state', state: 'ok' }, 1],
      ['rds_health_voltage_volts', { sensor: 'psu2-voltage' }, volts],
      ['rds_health_current_amperes', { sensor: 'psu2-current' }, amps],
      ['rds_health_current_amperes', { sensor: 'psu1-current' }, otherAmps],
    ];
    await faultAndRecovery({ what: 'psu2 failed', input: 'health', apply: () => h.sim(T).device.failPsu('psu2'), faulty: psu('fail', 0, 0, 8), healthy: psu('ok', 11.9, 3.9, 4.1) });
  });

  it('a flapping link: down, up, down with link-downs counted; recovery brings it up and keeps the count', async () => {
    const link = (running: number, downs: number): SeriesExpectation[] => [
      ['rds_interface_running', { interface: 'sfp28-1' }, running],
      ['rds_interface_link_downs_total', { interface: 'sfp28-1' }, downs],
      ['rds_interface_running', { interface: 'sfp28-2' }, 1],
    ];
    await h.step();
    await h.expectSeries(T, link(1, 1), 'sfp28-1 up');
    // Down for 15 s, up for 15 s, ...: the reads 10, 20 and 30 s in see down, up, down.
    const id = h.sim(T).device.flapLink('sfp28-1', { periodMs: 15_000 });
    await h.step();
    await h.expectSeries(T, link(0, 2), 'sfp28-1 down');
    await h.step();
    await h.expectSeries(T, link(1, 2), 'sfp28-1 up again');
    await h.step();
    await h.expectSeries(T, link(0, 3), 'sfp28-1 down again');
    await assertInputRead('interfaces');
    assert.equal(h.sim(T).device.clearFault(id), true);
    await h.step();
    await h.expectSeries(T, link(1, 3), 'sfp28-1 steady');
    await h.step();
    await h.expectSeries(T, link(1, 3), 'and stays up');
    await assertInputRead('interfaces');
  });
});
