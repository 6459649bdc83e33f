import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRouterOs, modernRds, newSession, rejectedOf, signal, textRds, valueOf } from './fake-router-os.test.support.js';
import { createHealthInput, HEALTH_COMMANDS } from './health.js';
import { JSON_PROBE_COMMAND } from './routeros-session.js';
import { createSystemInput, SYSTEM_COMMANDS } from './system.js';
import * as S from './testdata/samples.js';

const MIB = 1024 ** 2;

test('system, text form: the captured CHR answer in base units', async () => {
  const device = textRds();
  const r = await createSystemInput().collect(newSession(device), signal());
  assert.deepEqual(r.samples, [
    { metric: 'systemUptime', value: 118 },
    { metric: 'systemCpuLoad', value: 0 },
    { metric: 'systemMemoryFree', value: Math.round(178.1 * MIB) },
    { metric: 'systemMemoryTotal', value: 384 * MIB },
    { metric: 'systemInfo', labels: { version: '7.16 (stable)', board: 'CHR QEMU Standard PC (i440FX + PIIX, 1996)', architecture: 'x86_64' }, value: 1 },
  ]);
  assert.deepEqual(device.commands, [JSON_PROBE_COMMAND, SYSTEM_COMMANDS.text]);
  assert.equal(r.bytesRead, Buffer.byteLength(S.BAD_COMMAND_SERIALIZE) + Buffer.byteLength(S.SYSTEM_RESOURCE_CHR));
  assert.equal(r.rejected, undefined);
});

test('system, JSON form (7.24): raw values, get-style uptime, minimum-version ignored', async () => {
  const device = modernRds();
  const r = await createSystemInput().collect(newSession(device), signal());
  assert.equal(valueOf(r, 'systemUptime'), ((14 + 1) * 24 + 3) * 3600 + 17 * 60 + 42);
  assert.equal(valueOf(r, 'systemCpuLoad'), 0.03);
  assert.equal(valueOf(r, 'systemMemoryFree'), 29_956_775_936);
  assert.equal(valueOf(r, 'systemMemoryTotal'), 32 * 1024 * MIB);
  assert.equal(valueOf(r, 'systemInfo', { version: '7.24.1 (stable)', board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' }), 1);
  assert.deepEqual(device.commands, [JSON_PROBE_COMMAND, SYSTEM_COMMANDS.json]);
});

test('system: a device with :serialize that cannot serialize /system resource is read in its text form', async () => {
  const device = modernRds();
  device.set(SYSTEM_COMMANDS.json, 'bad command name put (line 1 column 2)\r\n');
  device.set(SYSTEM_COMMANDS.text, S.SYSTEM_RESOURCE_CHR);
  const session = newSession(device);
  const r = await createSystemInput().collect(session, signal());
  assert.equal(valueOf(r, 'systemUptime'), 118);
  assert.equal(valueOf(r, 'systemMemoryTotal'), 384 * MIB);
  // Remembered for the connection: the next run asks in text at once.
  await createSystemInput().collect(session, signal());
  assert.deepEqual(device.commands, [JSON_PROBE_COMMAND, SYSTEM_COMMANDS.json, SYSTEM_COMMANDS.text, SYSTEM_COMMANDS.text]);
});

test('system: garbage drops the sample and counts it; nothing freezes at the last reading', async () => {
  const device = textRds();
  const session = newSession(device);
  const good = await createSystemInput().collect(session, signal());
  assert.equal(valueOf(good, 'systemMemoryFree'), Math.round(178.1 * MIB));
  // The device then answers nonsense for the values (seen: free memory 1.1e32 against 2 GiB, uptime garbage).
  device.set(
    SYSTEM_COMMANDS.text,
    S.crlf('  uptime: -5s\n  cpu-load: 250%\n  free-memory: 110000000000000000000000000000000\n  total-memory: 2048.0MiB\n  version: 7.16 (stable)\n'),
  );
  const bad = await createSystemInput().collect(session, signal());
  assert.equal(valueOf(bad, 'systemMemoryFree'), undefined, 'free > total: dropped');
  assert.equal(valueOf(bad, 'systemCpuLoad'), undefined, 'over 100 %: dropped, not clamped');
  assert.equal(valueOf(bad, 'systemUptime'), undefined, 'not a duration: dropped');
  assert.equal(valueOf(bad, 'systemMemoryTotal'), 2048 * MIB);
  assert.deepEqual(rejectedOf(bad), { implausible: 2, unparsable: 1 });
  // Only garbage: an empty reading with the refusals counted (the series go absent), not an error.
  device.set(SYSTEM_COMMANDS.text, S.crlf('  uptime: soon\n  cpu-load: NaN%\n'));
  const none = await createSystemInput().collect(session, signal());
  assert.deepEqual(none.samples, []);
  assert.deepEqual(rejectedOf(none), { unparsable: 2 });
  // No field at all is a failed run (the device answered something else entirely).
  device.set(SYSTEM_COMMANDS.text, '\r\n');
  await assert.rejects(createSystemInput().collect(session, signal()), { code: 'RDS_AGENT_ERR_COMMAND' });
});

test('system, JSON garbage: not JSON is a failed run; wrong types are dropped and counted', async () => {
  const device = modernRds().set(SYSTEM_COMMANDS.json, '{"cpu-load": 3, "uptime": "2w1d03:17:4\r\n');
  await assert.rejects(createSystemInput().collect(newSession(device), signal()), { code: 'RDS_AGENT_ERR_COMMAND' });
  device.set(SYSTEM_COMMANDS.json, '{"cpu-load":[1],"free-memory":"lots","total-memory":1e300,"uptime":{"x":1},"version":"7.24.1"}\r\n');
  const r = await createSystemInput().collect(newSession(device), signal());
  assert.deepEqual(r.samples, [{ metric: 'systemInfo', labels: { version: '7.24.1', board: '', architecture: '' }, value: 1 }]);
  // A list, an object, text where bytes belong, 1e300 printed as "1e+300": four values of no usable form.
  assert.deepEqual(rejectedOf(r), { unparsable: 4 });
});

test('health, captured CCR1072 table: W, C, RPM and V rows by the TYPE column', async () => {
  const device = new FakeRouterOs({ [JSON_PROBE_COMMAND]: S.BAD_COMMAND_SERIALIZE, [HEALTH_COMMANDS.text]: S.HEALTH_TABLE_CCR1072 });
  const r = await createHealthInput().collect(newSession(device), signal());
  assert.deepEqual(r.samples, [
    { metric: 'healthTemperature', labels: { sensor: 'cpu-temperature' }, value: 43 },
    { metric: 'healthFanSpeed', labels: { sensor: 'fan1-speed' }, value: 5654 },
    { metric: 'healthVoltage', labels: { sensor: 'psu1-voltage' }, value: 0 },
    { metric: 'healthPower', labels: { sensor: 'power-consumption' }, value: 50.8 },
  ]);
});

test('health, terse: temperatures, fans, PSU state sets, voltage, current, power', async () => {
  const r = await createHealthInput().collect(newSession(textRds()), signal());
  assert.equal(valueOf(r, 'healthTemperature', { sensor: 'cpu-temperature' }), 47);
  assert.equal(valueOf(r, 'healthTemperature', { sensor: 'board-temperature1' }), 38);
  assert.equal(valueOf(r, 'healthFanSpeed', { sensor: 'fan2-speed' }), 5520);
  assert.equal(valueOf(r, 'healthVoltage', { sensor: 'psu1-voltage' }), 12.1);
  assert.equal(valueOf(r, 'healthCurrent', { sensor: 'psu1-current' }), 7.6);
  assert.equal(valueOf(r, 'healthPower', { sensor: 'power-consumption' }), 182.4);
  const psu2 = r.samples.filter((s) => s.metric === 'healthPsuState' && s.labels?.['sensor'] === 'psu2-state');
  assert.deepEqual(
    psu2.map((s) => [s.labels!['state'], s.value]),
    [
      ['ok', 0],
      ['fail', 1],
      ['not-present', 0],
      ['idle', 0],
      ['no-input', 0],
      ['other', 0],
    ],
  );
  assert.equal(r.rejected, undefined);
});

test('health, the x10 pitfall: 470 means 47.0 C and 121 means 12.1 V; plain values stay plain', async () => {
  const x10 = await createHealthInput().collect(newSession(modernRds()), signal());
  assert.equal(valueOf(x10, 'healthTemperature', { sensor: 'cpu-temperature' }), 47);
  assert.equal(valueOf(x10, 'healthTemperature', { sensor: 'board-temperature1' }), 38);
  assert.equal(valueOf(x10, 'healthVoltage', { sensor: 'psu1-voltage' }), 12.1);
  assert.equal(valueOf(x10, 'healthFanSpeed', { sensor: 'fan2-speed' }), 0, 'a stopped fan is 0 RPM, not scaled');
  assert.equal(valueOf(x10, 'healthPower', { sensor: 'power-consumption' }), 182, 'power is never scaled');
  assert.equal(valueOf(x10, 'healthPsuState', { sensor: 'psu2-state', state: 'no-input' }), 1);
  const plain = await createHealthInput().collect(newSession(modernRds().set(HEALTH_COMMANDS.json, S.HEALTH_JSON_PLAIN)), signal());
  assert.equal(valueOf(plain, 'healthTemperature', { sensor: 'cpu-temperature' }), 47);
  assert.equal(valueOf(plain, 'healthVoltage', { sensor: 'psu1-voltage' }), 12.1);
});

test('health: implausible values and unknown states are counted; a board without sensors is an empty reading', async () => {
  const device = textRds().set(
    HEALTH_COMMANDS.text,
    S.crlf(' 0 name=cpu-temperature value=47 type=C\n 1 name=fan1-speed value=-3 type=RPM\n 2 name=psu1-state value=smoking type=""\n 3 name=board-temperature value=hot type=C\n 4 name=fan-mode value=auto type=""\n'),
  );
  const r = await createHealthInput().collect(newSession(device), signal());
  assert.equal(valueOf(r, 'healthTemperature', { sensor: 'cpu-temperature' }), 47);
  assert.equal(valueOf(r, 'healthFanSpeed', { sensor: 'fan1-speed' }), undefined);
  assert.equal(valueOf(r, 'healthPsuState', { sensor: 'psu1-state', state: 'other' }), 1);
  assert.deepEqual(rejectedOf(r), { implausible: 1, unparsable: 1, unrecognised: 1 });
  const chr = await createHealthInput().collect(newSession(textRds().set(HEALTH_COMMANDS.text, '\r\n')), signal());
  assert.deepEqual([chr.samples, chr.rejected], [[], undefined]);
  const garbage = await createHealthInput().collect(newSession(textRds().set(HEALTH_COMMANDS.text, '\u0000\u0007 ### ~~~\r\n')), signal());
  assert.deepEqual([garbage.samples, rejectedOf(garbage)], [[], { unparsable: 1 }]);
});

test('health: the sensor cap drops whole sensors in order and counts their series', async () => {
  const r = await createHealthInput(3).collect(newSession(textRds()), signal());
  assert.deepEqual(
    r.samples.map((s) => s.labels!['sensor']),
    ['cpu-temperature', 'board-temperature1', 'fan1-speed'],
  );
  // 1 fan + 2 voltages + 1 current + 1 power + 2 PSUs x 6 states.
  assert.deepEqual(rejectedOf(r), { cap: 1 + 2 + 1 + 1 + 12 });
});
