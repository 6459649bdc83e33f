import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildRevision, VERSION } from './version.js';

describe('the distribution version and revision', () => {
  it('VERSION is the package version', () => {
    assert.equal(VERSION, (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });

  it('the revision: gitHead of the installed package.json, else RDS_AGENT_BUILD_COMMIT, else unknown', () => {
    const commit = '5dc603b7f0cd7c7d7d9d99ada7622c7b98576d7f';
    assert.equal(buildRevision({ RDS_AGENT_BUILD_COMMIT: 'other' }, { version: '1.0.0', gitHead: commit }), commit, 'what was packaged wins');
    assert.equal(buildRevision({ RDS_AGENT_BUILD_COMMIT: ` ${commit}+changes\n` }, { version: '1.0.0' }), `${commit}+changes`);
    assert.equal(buildRevision({ RDS_AGENT_BUILD_COMMIT: '' }, { version: '1.0.0', gitHead: '' }), undefined);
    assert.equal(buildRevision({}, { version: '1.0.0', gitHead: 42 }), undefined, 'a gitHead that is not a string is ignored');
    assert.equal(buildRevision({}), undefined, 'a source checkout: its package.json has no gitHead');
  });
});
