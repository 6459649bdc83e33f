import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { crc32Combine, crc32ShiftOperator } from './crc32-combine.js';

describe('crc32Combine', () => {
  it('gives the CRC-32 of a concatenation from the CRCs of its parts, as zlib computes it whole', () => {
    const parts = ['', 'a', '# HELP rds_x help\n', 'x'.repeat(1000), 'é€😀'.repeat(333), Buffer.alloc(70_000, 7).toString('latin1')].map((s) => Buffer.from(s, 'utf8'));
    let combined = 0;
    for (const part of parts) combined = crc32Combine(combined, crc32(part), crc32ShiftOperator(part.length));
    assert.equal(combined, crc32(Buffer.concat(parts)));
  });

  it('is the identity for an empty second part', () => {
    const a = crc32('abc');
    assert.equal(crc32Combine(a, 0, crc32ShiftOperator(0)), a);
  });
});
