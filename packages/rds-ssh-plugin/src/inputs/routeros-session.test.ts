import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, TransportError } from '@rds-agent/core';
import { FakeClock } from '@rds-agent/core/testing';
import { capturingLogger, FakeRouterOs, modernRds, newSession, signal, textRds } from './fake-router-os.test.support.js';
import { createDrivesInput } from './drives.js';
import { createExportsInput } from './exports.js';
import { createFilesystemsInput } from './filesystems.js';
import { createRaidInput } from './raid.js';
import { ReadingBuilder } from './reading-builder.js';
import { DISK_LISTING_JSON_COMMAND, DISK_LISTING_MAX_AGE_MS, DISK_LISTING_TEXT_COMMAND, JSON_PROBE_COMMAND, PACKAGES_JSON_COMMAND, PACKAGES_TEXT_COMMAND } from './routeros-session.js';
import { createHealthInput } from './health.js';
import { createSystemInput } from './system.js';
import { createTrafficInput } from './traffic.js';
import { createInterfacesInput, INTERFACE_COMMANDS } from './interfaces.js';
import * as S from './testdata/samples.js';

const isCode = (code: string) => (e: unknown) => e instanceof TransportError && e.code === code;

test('JSON support is probed once per session; every reader shares the answer', async () => {
  const device = modernRds();
  const session = newSession(device);
  const meter = new ReadingBuilder(10);
  const answers = await Promise.all([session.supportsJson(meter, signal()), session.supportsJson(meter, signal()), session.supportsJson(meter, signal())]);
  assert.deepEqual(answers, [true, true, true]);
  assert.equal(await session.supportsJson(meter, signal()), true);
  assert.equal(device.count(JSON_PROBE_COMMAND), 1);
  assert.equal(meter.bytesRead, 3, 'the probe answer "1\\r\\n" counted once');
  // A new connection (a new session) asks again: the device may have been upgraded.
  assert.equal(await newSession(device).supportsJson(meter, signal()), true);
  assert.equal(device.count(JSON_PROBE_COMMAND), 2);
});

test('an older RouterOS (bad command name / syntax error) uses the text forms', async () => {
  for (const answer of [S.BAD_COMMAND_SERIALIZE, S.SYNTAX_ERROR, 'nonsense\r\n', '']) {
    const device = new FakeRouterOs({ [JSON_PROBE_COMMAND]: answer });
    assert.equal(await newSession(device).supportsJson(new ReadingBuilder(1), signal()), false, JSON.stringify(answer));
  }
});

test('a probe that failed for another reason (connection gone) is asked again, not remembered as "no"', async () => {
  let calls = 0;
  const device = new FakeRouterOs({
    [JSON_PROBE_COMMAND]: () => {
      calls++;
      if (calls === 1) throw new TransportError(ErrorCode.NETWORK, 'socket closed');
      return '1\r\n';
    },
  });
  const session = newSession(device);
  await assert.rejects(session.supportsJson(new ReadingBuilder(1), signal()), isCode(ErrorCode.NETWORK));
  assert.equal(await session.supportsJson(new ReadingBuilder(1), signal()), true);
});

test('the /disk listing is read once for every storage input within its window, then again', async () => {
  const clock = new FakeClock(1_700_000_000_000);
  const device = modernRds();
  const session = newSession(device, { clock });
  const inputs = [createRaidInput(), createDrivesInput(), createFilesystemsInput(), createExportsInput(), createTrafficInput()];
  const readings = await Promise.all(inputs.map((i) => i.collect(session, signal())));
  assert.ok(readings.every((r) => r.samples.length > 0));
  assert.equal(device.count(DISK_LISTING_JSON_COMMAND), 1);
  assert.equal(device.count(PACKAGES_JSON_COMMAND), 1, 'the package list is read once per connection');
  // The listing's bytes are counted once, by one of the inputs.
  const listingBytes = Buffer.byteLength(S.DISK_JSON_RDS2216);
  assert.equal(readings.filter((r) => r.bytesRead >= listingBytes).length, 1);
  await clock.tickAsync(DISK_LISTING_MAX_AGE_MS);
  await createRaidInput().collect(session, signal());
  assert.equal(device.count(DISK_LISTING_JSON_COMMAND), 1, `still fresh at ${DISK_LISTING_MAX_AGE_MS} ms`);
  await clock.tickAsync(1);
  await createRaidInput().collect(session, signal());
  assert.equal(device.count(DISK_LISTING_JSON_COMMAND), 2);
});

test("one input's deadline does not fail another input waiting on the same shared read", async () => {
  let answer: ((s: string) => void) | undefined;
  const device = modernRds().set(DISK_LISTING_JSON_COMMAND, () => new Promise<string>((resolve) => (answer = resolve)));
  const session = newSession(device);
  const short = new AbortController();
  const raid = createRaidInput().collect(session, short.signal);
  const exportsRun = createExportsInput().collect(session, signal());
  await new Promise((r) => setImmediate(r));
  while (!answer) await new Promise((r) => setImmediate(r));
  short.abort(new TransportError(ErrorCode.TIMEOUT, 'raid deadline'));
  await assert.rejects(raid, isCode(ErrorCode.TIMEOUT));
  answer(S.DISK_JSON_RDS2216);
  const r = await exportsRun;
  assert.ok(r.samples.length > 0);
  assert.ok(r.bytesRead >= Buffer.byteLength(S.DISK_JSON_RDS2216), 'the input that got the listing counts its bytes');
  assert.equal(device.count(DISK_LISTING_JSON_COMMAND), 1);
});

test('without rose-storage the storage inputs are UNSUPPORTED (one log line each); system and traffic keep working', async () => {
  const logger = capturingLogger();
  const device = textRds().set(PACKAGES_TEXT_COMMAND, S.PACKAGES_TERSE_PLAIN);
  const session = newSession(device, { logger });
  for (const input of [createRaidInput(), createDrivesInput(), createFilesystemsInput(), createExportsInput()]) {
    await assert.rejects(input.collect(session, signal()), (e: unknown) => isCode(ErrorCode.UNSUPPORTED)(e) && /rose-storage/.test((e as Error).message));
    // Asked again on the same connection: refused at once, no command, no second log line.
    const before = device.commands.length;
    await assert.rejects(input.collect(session, signal()), isCode(ErrorCode.UNSUPPORTED));
    assert.equal(device.commands.length, before);
  }
  assert.equal(logger.lines.filter((l) => /disabled for this connection/.test(l.msg)).length, 4);
  assert.ok(!device.commands.includes(DISK_LISTING_TEXT_COMMAND), 'no storage command was sent');
  assert.ok((await createSystemInput().collect(session, signal())).samples.length > 0);
  device.set('/disk monitor-traffic storage-pool once', S.MONITOR_TRAFFIC_STORAGE_POOL);
  const traffic = await createTrafficInput({ disks: ['storage-pool'] }).collect(session, signal());
  assert.equal(traffic.samples.length, 4, 'plain RouterOS disks have traffic counters');
});

test('a disabled rose-storage counts as missing; an unreadable package list lets the storage inputs try', async () => {
  const disabled = newSession(textRds().set(PACKAGES_TEXT_COMMAND, S.PACKAGES_TERSE_STORAGE_DISABLED));
  await assert.rejects(createRaidInput().collect(disabled, signal()), isCode(ErrorCode.UNSUPPORTED));
  const logger = capturingLogger();
  const unreadable = newSession(textRds().set(PACKAGES_TEXT_COMMAND, 'not enough permissions (9)\r\n'), { logger });
  const r = await createRaidInput().collect(unreadable, signal());
  assert.ok(r.samples.length > 0);
  assert.equal(logger.lines.filter((l) => /cannot list the installed packages/.test(l.msg)).length, 1);
});

test('a command the device does not know disables that input for the connection, never others', async () => {
  const logger = capturingLogger();
  const device = textRds().set('/system health print terse', undefined); // -> bad command name health
  const session = newSession(device, { logger });
  const health = createHealthInput();
  await assert.rejects(health.collect(session, signal()), isCode(ErrorCode.UNSUPPORTED));
  await assert.rejects(health.collect(session, signal()), isCode(ErrorCode.UNSUPPORTED));
  assert.equal(device.count('/system health print terse'), 1);
  assert.equal(logger.lines.filter((l) => l.level === 'info' && /health disabled/.test(l.msg)).length, 1);
  assert.ok((await createSystemInput().collect(session, signal())).samples.length > 0);
  assert.ok((await createRaidInput().collect(session, signal())).samples.length > 0);
});

test('a refusal (COMMAND) fails only that run; the next run asks again', async () => {
  const device = textRds().set('/system health print terse', 'not enough permissions (9)\r\n');
  const session = newSession(device);
  await assert.rejects(createHealthInput().collect(session, signal()), isCode(ErrorCode.COMMAND));
  device.set('/system health print terse', S.HEALTH_TERSE_RDS);
  assert.ok((await createHealthInput().collect(session, signal())).samples.length > 0);
});

test('connection errors and aborts pass through unchanged', async () => {
  const device = textRds().set('/system resource print', new TransportError(ErrorCode.NETWORK, 'gone'));
  await assert.rejects(createSystemInput().collect(newSession(device), signal()), isCode(ErrorCode.NETWORK));
  const ctrl = new AbortController();
  ctrl.abort(new TransportError(ErrorCode.TIMEOUT, 'deadline'));
  const quiet = textRds();
  await assert.rejects(createSystemInput().collect(newSession(quiet), ctrl.signal), isCode(ErrorCode.TIMEOUT));
  assert.deepEqual(quiet.commands, []);
  // A runner that throws something else (a bug) still yields a TransportError.
  const odd = textRds().set('/system resource print', new RangeError('boom'));
  await assert.rejects(createSystemInput().collect(newSession(odd), signal()), (e: unknown) => e instanceof TransportError);
});

test('a JSON form the device does not know falls back to the text form, remembered for the connection', async () => {
  const device = modernRds().set(INTERFACE_COMMANDS.json, 'expected end of command (line 1 column 40)\r\n').set(INTERFACE_COMMANDS.text, S.INTERFACES_STATS_DETAIL);
  const session = newSession(device);
  const first = await createInterfacesInput().collect(session, signal());
  assert.ok(first.samples.some((s) => s.metric === 'interfaceRxBytes'));
  await createInterfacesInput().collect(session, signal());
  assert.equal(device.count(INTERFACE_COMMANDS.json), 1);
  assert.equal(device.count(INTERFACE_COMMANDS.text), 2);
});
