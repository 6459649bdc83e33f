import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Metrics } from '@rds-agent/core';
import { INPUT_DEFAULTS, INPUT_NAMES } from './input-settings.js';

// The plugin README is the operator's reference: every device metric, with unit, source command and
// an example line, and every input with its defaults. This keeps it from drifting.
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README lists every device metric with an example line', () => {
  const device = Object.values(Metrics).filter((d) => (d as { source?: string }).source === 'device');
  assert.ok(device.length >= 50);
  for (const def of device) {
    const row = README.split('\n').find((l) => l.startsWith(`| \`${def.name}\` |`));
    assert.ok(row, `${def.name} has a row`);
    assert.match(row, new RegExp(`\\| \`${def.name}\\{target="rds-1"[^\`]*\\} [0-9.]+\` \\|$`), `${def.name} has an example line`);
    assert.ok(row.includes(`| ${def.kind} |`), `${def.name} says it is a ${def.kind}`);
  }
});

test('the README lists every input with its default interval and timeout', () => {
  const seconds = (ms: number): string => (ms >= 300_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);
  for (const name of INPUT_NAMES) {
    const d = INPUT_DEFAULTS[name];
    const row = README.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    assert.ok(row, `${name} has a row`);
    assert.ok(row.includes(`| ${seconds(d.interval)} | ${seconds(d.timeout)} | ${d.maxSeries} |`), `${name}: ${row}`);
  }
});
