import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, renderStatusTable, rowFromJson } from './status-rows.js';

describe('status table', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');

  it('shows state with reason, age, latency, attempts, next try and last error from /status JSON', () => {
    const rows = [
      rowFromJson({ target: 'a', transport: 'rds-ssh', state: 'connected', reason: 'connected', since: '2026-01-01T00:09:30Z', attempts: 0, lastProbeLatencyMs: 3.25 }),
      rowFromJson({
        target: 'b',
        transport: 'rds-ssh',
        state: 'disconnected',
        reason: 'refused',
        since: '2026-01-01T00:07:00Z',
        attempts: 4,
        nextAttemptAt: '2026-01-01T00:10:08Z',
        lastError: { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'connect ECONNREFUSED' },
      }),
    ];
    const lines = renderStatusTable(rows, now).trimEnd().split('\n');
    assert.match(lines[0]!, /^TARGET\s+TRANSPORT\s+STATE\s+FOR\s+LATENCY\s+ATTEMPTS\s+NEXT TRY\s+LAST ERROR$/);
    assert.match(lines[1]!, /^a\s+rds-ssh\s+connected\s+30s\s+3\.3 ms\s+0\s+-\s+-$/);
    assert.match(lines[2]!, /^b\s+rds-ssh\s+disconnected \(refused\)\s+3m00s\s+-\s+4\s+in 8s\s+refused: connect ECONNREFUSED$/);
  });

  it('formats durations for humans', () => {
    assert.equal(humanDuration(4_400), '4s');
    assert.equal(humanDuration(192_000), '3m12s');
    assert.equal(humanDuration(7_500_000), '2h05m');
    assert.equal(humanDuration(-5), '0s');
  });

  it('says so when there are no targets', () => {
    assert.equal(renderStatusTable([], now), '(no targets)\n');
  });
});
