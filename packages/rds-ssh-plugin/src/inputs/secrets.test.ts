import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TelemetryReading } from '@rds-agent/core';
import { parseAsValue } from '../routeros/as-value.js';
import { findRouterOsError } from '../routeros/error-text.js';
import { parseJsonRecords } from '../routeros/json-records.js';
import { parseKeyValuePrint } from '../routeros/print.js';
import { parsePrintDetail } from '../routeros/print-detail.js';
import { redactSecrets } from '../routeros/secret-fields.js';
import { capturingLogger, modernRds, newSession, signal, textRds, type FakeRouterOs } from './fake-router-os.test.support.js';
import { createRouterOsInputs } from './create-inputs.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { DISK_LISTING_JSON_COMMAND, DISK_LISTING_TEXT_COMMAND } from './routeros-session.js';
import * as S from './testdata/samples.js';

// /disk prints nvme-tcp-server-password and nvme-tcp-server-secret; /ip/smb/users prints passwords
// in clear. Nothing the agent keeps may hold them: not a sample, a label, a log line or an error.

const SECRETS = [S.NVME_TCP_PASSWORD, S.NVME_TCP_SECRET, 'smb-clear-pw'];

function assertClean(what: string, text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${what} holds a secret: ${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 40)}`);
  assert.ok(!/nvme-tcp-server-(password|secret)/.test(text) || what.startsWith('log'), `${what} names a secret field`);
}

async function everyInput(device: FakeRouterOs): Promise<{ readings: TelemetryReading[]; errors: string[]; logs: string }> {
  const logger = capturingLogger();
  const session = newSession(device, { logger });
  const inputs = createRouterOsInputs({ inputs: INPUT_DEFAULTS, telemetryDisks: [], telemetryMaxDisks: 32 });
  const readings: TelemetryReading[] = [];
  const errors: string[] = [];
  for (const { input } of inputs) {
    try {
      readings.push(await input.collect(session, signal()));
    } catch (err) {
      errors.push(`${(err as Error).message} ${JSON.stringify(err)} ${String((err as Error).stack)}`);
    }
  }
  return { readings, errors, logs: JSON.stringify(logger.lines) };
}

test('a /disk listing holding the NVMe/TCP password and secret: never in samples, labels, logs or errors (text and JSON)', async () => {
  for (const device of [textRds(), modernRds()]) {
    assert.ok(S.DISK_TERSE_RDS2216.includes(S.NVME_TCP_PASSWORD) && S.DISK_JSON_RDS2216.includes(S.NVME_TCP_SECRET), 'the samples do hold them');
    const { readings, errors, logs } = await everyInput(device);
    assert.ok(readings.length >= 6, `most inputs read: ${errors.join('\n')}`);
    assert.ok(readings.some((r) => r.samples.some((s) => s.metric === 'exportEnabled' && s.labels?.['slot'] === 'vm-storage-001' && s.value === 1)));
    assertClean('samples', JSON.stringify(readings));
    assertClean('errors', errors.join('\n'));
    assertClean('log lines', logs);
    assert.ok(!device.commands.some((c) => /smb.*users/.test(c)), '/ip/smb/users is never run');
  }
});

test('a device that echoes secrets in an error line: the error and the log line show *** instead', async () => {
  const echo = 'failure: could not apply nvme-tcp-server-password="hunter2-nvme" nvme-tcp-server-secret=DHHC-1:00:c2VjcmV0LXZhbHVl: password: smb-clear-pw\r\n';
  for (const device of [textRds().set(DISK_LISTING_TEXT_COMMAND, echo), modernRds().set(DISK_LISTING_JSON_COMMAND, echo)]) {
    const { errors, logs } = await everyInput(device);
    assert.ok(errors.some((e) => /could not apply/.test(e) && e.includes('***')), errors.join('\n'));
    for (const secret of SECRETS) {
      assert.ok(!errors.join('\n').includes(secret), `error holds ${secret}`);
      assert.ok(!logs.includes(secret), `log holds ${secret}`);
    }
  }
});

test('every parser drops credential fields as it reads them', () => {
  const [item] = parsePrintDetail(S.DISK_TERSE_RDS2216.split('\r\n').find((l) => l.includes('vm-storage-001'))!);
  assert.ok(item && item.properties['nvme-tcp-export'] === 'yes');
  assert.ok(!Object.keys(item.properties).some((k) => /password|secret/.test(k)));
  const json = parseJsonRecords(S.DISK_JSON_RDS2216)!;
  assert.ok(json.length > 20);
  assertClean('JSON records', JSON.stringify(json));
  assertClean('as-value', JSON.stringify(parseAsValue('.id=*1;name=guest;password=smb-clear-pw;read-only=true')));
  assertClean('key: value', JSON.stringify(parseKeyValuePrint('   name: guest\r\npassword: smb-clear-pw\r\n')));
  assertClean('error line', findRouterOsError('failure: password=smb-clear-pw\r\n')!);
  assert.equal(redactSecrets('a=1 nvme-tcp-server-secret="x y" b=2\nnext line'), 'a=1 nvme-tcp-server-secret=***\nnext line');
  assert.equal(redactSecrets('no secrets here'), 'no secrets here');
});
