import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flatString } from './flat-string.js';

test('flatString returns exactly the string it was given, for any content', () => {
  const samples = ['', 'a', 'rds-1', 'slot=nvme1,target=rds-0001', 'é\u0301 (NFD stays NFD)', '\ud800 lone surrogate \udfff', '\u0000\u0001"\\\n', '1234567890123', 'x'.repeat(100_000)];
  for (const s of samples) assert.equal(flatString(s), s);
  let built = '';
  for (let i = 0; i < 50; i++) built += `part${i},`;
  assert.equal(flatString(built), built);
});
