import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AgentError, ConfigError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { silentLogger } from '../logging/logger.js';
import { ComponentRegistry } from './component-registry.js';
import { loadPlugins } from './plugin-loader.js';
import { CORE_VERSION, definePlugin } from './plugin.js';
import { FakeClock } from '../testing/fake-clock.js';

const dir = mkdtempSync(join(tmpdir(), 'rds-agent-plugins-'));
function pluginFile(name: string, body: string): string {
  writeFileSync(join(dir, name), body);
  return `./${name}`;
}
const transportStub = `{ schema: { host: { doc: 'h', format: String, default: '' } }, create() { throw new Error('unused'); } }`;

async function load(specs: { module: string; config?: Record<string, unknown> }[], builtins = [] as ReturnType<typeof definePlugin>[]) {
  const registry = new ComponentRegistry();
  const loaded = await loadPlugins(
    specs.map((s) => ({ module: s.module, config: s.config ?? {} })),
    { builtins, baseDir: dir, registry, logger: silentLogger() },
  );
  return { registry, loaded };
}

function rejectsWith(code: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof AgentError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('loadPlugins', () => {
  it('loads a plugin from a path relative to the config and registers its transport', async () => {
    const mod = pluginFile('good.mjs', `export default { name: 'good', apiVersion: '^0.2.0', register(host) { host.addTransport('tcp', ${transportStub}); } };`);
    const { registry, loaded } = await load([{ module: mod }]);
    assert.deepEqual(registry.transportTypes(), ['tcp']);
    assert.equal(loaded[0]!.name, 'good');
  });

  it('fails with PLUGIN_LOAD naming a module that cannot be found', async () => {
    await assert.rejects(load([{ module: './missing.mjs' }]), rejectsWith(ErrorCode.PLUGIN_LOAD, /plugin \.\/missing\.mjs \(plugins\[0\]\) cannot be loaded/));
    await assert.rejects(load([{ module: 'rds-agent-no-such-package' }]), rejectsWith(ErrorCode.PLUGIN_LOAD, /rds-agent-no-such-package/));
  });

  it('fails with PLUGIN_LOAD when the module exports no plugin', async () => {
    const mod = pluginFile('empty.mjs', 'export const x = 1;');
    await assert.rejects(load([{ module: mod }]), rejectsWith(ErrorCode.PLUGIN_LOAD, /does not export a plugin.*definePlugin/));
  });

  it('fails with PLUGIN_VERSION when the declared core API range does not match', async () => {
    const mod = pluginFile('future.mjs', `export default { name: 'future', apiVersion: '^2.0.0', register() {} };`);
    await assert.rejects(load([{ module: mod }]), rejectsWith(ErrorCode.PLUGIN_VERSION, new RegExp(`plugin future requires @rds-agent/core "\\^2\\.0\\.0", but this is @rds-agent/core ${CORE_VERSION.replace(/\./g, '\\.')}`)));
    const bad = pluginFile('badrange.mjs', `export default { name: 'badrange', apiVersion: 'latest', register() {} };`);
    await assert.rejects(load([{ module: bad }]), rejectsWith(ErrorCode.PLUGIN_VERSION, /badrange/));
  });

  it('fails with PLUGIN_REGISTER naming the plugin when register throws', async () => {
    const mod = pluginFile('throws.mjs', `export default { name: 'thrower', apiVersion: '^0.2.0', register() { throw new Error('boom'); } };`);
    await assert.rejects(load([{ module: mod }]), rejectsWith(ErrorCode.PLUGIN_REGISTER, /plugin thrower failed to register: boom/));
  });

  it('refuses a second registration of the same name, naming both plugins', async () => {
    const a = pluginFile('a.mjs', `export default { name: 'a', apiVersion: '^0.2.0', register(host) { host.addTransport('tcp', ${transportStub}); } };`);
    const b = pluginFile('b.mjs', `export default { name: 'b', apiVersion: '^0.2.0', register(host) { host.addTransport('tcp', ${transportStub}); } };`);
    await assert.rejects(load([{ module: a }, { module: b }]), rejectsWith(ErrorCode.DUPLICATE_COMPONENT, /plugin b: transport "tcp" is already registered by plugin a/));
  });

  it('validates plugin settings against the plugin schema, naming the key', async () => {
    const mod = pluginFile('configured.mjs', `export default { name: 'configured', apiVersion: '^0.2.0', configSchema: { level: { doc: 'l', format: 'positive-int', default: 1 } }, register(host, config) { globalThis.__configured = config.level; } };`);
    await assert.rejects(load([{ module: mod, config: { level: 0 } }]), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.issues[0]!.key, 'plugins[0].config.level');
      return true;
    });
    await load([{ module: mod, config: { level: 3 } }]);
    assert.equal((globalThis as { __configured?: number }).__configured, 3);
  });

  it('registers built-ins first and lets config pass them settings by name', async () => {
    const seen: unknown[] = [];
    const builtin = definePlugin<{ flag: boolean }>({
      name: '@rds-agent/builtin',
      apiVersion: '^0.2.0',
      configSchema: { flag: { doc: 'f', format: 'strict-boolean', default: false } },
      register: (_host, config) => void seen.push(config.flag),
    });
    await load([], [builtin as never]);
    await load([{ module: '@rds-agent/builtin', config: { flag: true } }], [builtin as never]);
    assert.deepEqual(seen, [false, true]);
  });

  it('runs close hooks in reverse order, isolating failures', async () => {
    const registry = new ComponentRegistry();
    const order: string[] = [];
    const host = registry.hostFor('p', silentLogger());
    host.onClose(() => void order.push('first'));
    host.onClose(() => {
      order.push('second');
      throw new Error('x');
    });
    host.onClose(async () => void order.push('third'));
    await registry.runCloseHooks(silentLogger());
    assert.deepEqual(order, ['third', 'second', 'first']);
  });

  it('checks declared dependencies: a plugin that needs one not loaded before it is refused, naming it', async () => {
    const base = definePlugin({ name: 'base', apiVersion: `^${CORE_VERSION}`, register: () => undefined });
    const needs = definePlugin({ name: 'needs-base', apiVersion: `^${CORE_VERSION}`, dependencies: ['base'], register: () => undefined });
    await load([], [base as never, needs as never]);
    await assert.rejects(load([], [needs as never]), rejectsWith(ErrorCode.PLUGIN_DEPENDENCY, /plugin needs-base needs "base", which is not loaded before it/));
    await assert.rejects(load([], [needs as never, base as never]), rejectsWith(ErrorCode.PLUGIN_DEPENDENCY, /needs "base"/));
  });

  it('gives up on a plugin whose register does not finish, naming it (on the injected clock)', async () => {
    const clock = new FakeClock();
    const hangs = definePlugin({ name: 'hangs', apiVersion: `^${CORE_VERSION}`, register: () => new Promise<void>(() => undefined) });
    const registry = new ComponentRegistry();
    const result = loadPlugins([], { builtins: [hangs as never], baseDir: dir, registry, logger: silentLogger(), clock, registerTimeoutMs: 10_000 });
    let settled: unknown = undefined as unknown;
    result.then(() => (settled = 'resolved'), (err: unknown) => (settled = err));
    await clock.tickAsync(9_999);
    assert.equal(settled, undefined);
    await clock.tickAsync(1);
    const err = settled as unknown;
    assert.ok(err instanceof AgentError);
    assert.equal(err.code, ErrorCode.PLUGIN_REGISTER);
    assert.match(err.message, /plugin hangs did not finish registering within 10000 ms/);
  });
});
