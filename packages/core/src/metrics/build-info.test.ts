import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { buildInfoComponentLabels, buildInfoLabels, completeBuildInfo, componentVersionLabel, installedPackageVersion } from './build-info.js';

describe('build info', () => {
  it('names a component label after its package: scope and punctuation as _, lower case, never a digit first', () => {
    assert.equal(componentVersionLabel('ssh2'), 'ssh2_version');
    assert.equal(componentVersionLabel('prom-client'), 'prom_client_version');
    assert.equal(componentVersionLabel('@opentelemetry/sdk-metrics'), 'opentelemetry_sdk_metrics_version');
    assert.equal(componentVersionLabel('3D.Lib'), '_3d_lib_version');
  });

  it('fills what is not known and never lets a component replace a base label', () => {
    const info = completeBuildInfo({ version: '1.0.0', revision: '', components: { nodejs: '9', 'a-b': '1', a_b: '2', zed: undefined } });
    assert.deepEqual(buildInfoLabels(info), { version: '1.0.0', revision: 'unknown', nodejs_version: process.versions.node, a_b_version: '1,2', zed_version: 'unknown' });
    assert.deepEqual(buildInfoComponentLabels(['zed', 'a-b', 'a_b', 'nodejs']), ['a_b_version', 'zed_version']);
  });

  describe('installedPackageVersion', () => {
    const root = mkdtempSync(join(tmpdir(), 'build-info-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    const pkg = (dir: string, manifest: Record<string, unknown>) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    };
    // A plugin with its own nested copy of one library, and a hoisted one of another whose exports hide package.json.
    pkg(join(root, 'node_modules', '@scope', 'lib'), { name: '@scope/lib', version: '2.0.0', exports: { '.': './index.js' } });
    pkg(join(root, 'node_modules', 'dup'), { name: 'dup', version: '1.0.0' });
    pkg(join(root, 'node_modules', 'plugin', 'node_modules', 'dup'), { name: 'dup', version: '3.1.4' });
    pkg(join(root, 'node_modules', 'plugin', 'node_modules', 'impostor'), { name: 'other', version: '6.6.6' });
    pkg(join(root, 'node_modules', 'impostor'), { name: 'impostor', version: '0.1.0' });
    const from = pathToFileURL(join(root, 'node_modules', 'plugin', 'dist', 'index.js'));

    it('reads the copy Node would load from that module: its own nested one first, then hoisted ones', () => {
      assert.equal(installedPackageVersion('dup', from), '3.1.4');
      assert.equal(installedPackageVersion('@scope/lib', from), '2.0.0', 'exports hiding package.json do not matter');
      assert.equal(installedPackageVersion('impostor', from), '0.1.0', 'a manifest naming another package is passed over');
      assert.equal(installedPackageVersion('absent', from), undefined);
    });
  });
});
