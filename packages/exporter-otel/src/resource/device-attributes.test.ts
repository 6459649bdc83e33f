import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceAttributes } from './device-attributes.js';

describe('deviceAttributes', () => {
  it('maps target info and system info onto the semantic conventions', () => {
    assert.deepEqual(
      deviceAttributes({
        target: 'rds-a',
        targetInfo: { target: 'rds-a', transport: 'rds-ssh', host: '10.1.2.3', port: '22', host_key_verification: 'pinned', probe_mode: 'command' },
        systemInfo: { target: 'rds-a', version: '7.19.4 (stable)', board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' },
      }),
      {
        'host.name': 'rds-a',
        'rds.transport': 'rds-ssh',
        'server.address': '10.1.2.3',
        'server.port': 22,
        'os.name': 'RouterOS',
        'os.version': '7.19.4',
        'os.description': 'RouterOS 7.19.4 (stable)',
        'device.model.identifier': 'RDS2216-2XG-4S+4XS-2XQ',
        'host.arch': 'arm64',
      },
    );
  });

  it('before anything is known, the device is its name', () => {
    assert.deepEqual(deviceAttributes({ target: 'rds-a' }), { 'host.name': 'rds-a' });
  });

  it('leaves out empty facts and ports that are not 1..65535', () => {
    for (const port of ['', '0', '65536', '22x', '-1', '1e3', '000022222']) {
      const a = deviceAttributes({ target: 't', targetInfo: { transport: 'tcp', host: '', port } });
      assert.deepEqual(a, { 'host.name': 't', 'rds.transport': 'tcp' }, `port ${JSON.stringify(port)}`);
    }
    assert.equal(deviceAttributes({ target: 't', targetInfo: { port: '65535' } })['server.port'], 65_535);
    assert.deepEqual(deviceAttributes({ target: 't', systemInfo: { version: '', board: '', architecture: '' } }), { 'host.name': 't' });
  });

  it('RouterOS architecture names become host.arch values; unknown ones pass verbatim', () => {
    const arch = (architecture: string) => deviceAttributes({ target: 't', systemInfo: { architecture } })['host.arch'];
    assert.equal(arch('x86_64'), 'amd64');
    assert.equal(arch('x86'), 'x86');
    assert.equal(arch('arm'), 'arm32');
    assert.equal(arch('arm64'), 'arm64');
    assert.equal(arch('ppc'), 'ppc32');
    assert.equal(arch('mipsbe'), 'mipsbe');
    assert.equal(arch('constructor'), 'constructor', 'no prototype look-ups');
  });

  it('a version without a channel is the version', () => {
    const a = deviceAttributes({ target: 't', systemInfo: { version: '7.16' } });
    assert.equal(a['os.version'], '7.16');
    assert.equal(a['os.description'], 'RouterOS 7.16');
  });
});
