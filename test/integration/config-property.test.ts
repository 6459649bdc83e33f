import 'reflect-metadata';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { runCli, type CliIo } from '@rds-agent/agent';
import { tempDir, writeUnusedKey } from '../support/agent-cli.js';

// Property: whatever is wrong with a config, `rds-agent validate` exits 2 within 5 s, names a key
// (or the file), and prints no stack trace. Every generated config is malformed by construction
// (each mutation below is invalid for its key), so a pass or a crash both fail the property.

const RUNS = 500;

function capture(): { io: CliIo; out: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { io: { stdout: sink, stderr: sink, env: {}, onSignal: () => () => undefined }, out: () => text };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = readonly (string | number)[];

function setAt(root: Record<string, Json>, path: Path, value: Json | undefined): void {
  let node: Json = root;
  for (const step of path.slice(0, -1)) node = (node as Record<string, Json>)[step as string] as Json;
  const last = path[path.length - 1]!;
  if (value === undefined) delete (node as Record<string, Json>)[last as string];
  else (node as Record<string, Json>)[last as string] = value;
}

const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constant<Json>({ nested: { deeper: 1 } }),
  fc.constant<Json>([1, 'two']),
  fc.constant(true),
  fc.constant(''),
  fc.constant(' '),
  fc.constant('soon'),
  fc.constant('5 s'),
  fc.constant('1e3'),
  fc.constant('-1s'),
  fc.constant('NaN'),
  fc.constant('Infinity'),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(1e308),
  fc.constant(2 ** 31),
  fc.string({ minLength: 1, maxLength: 12 }).map((s) => `x${s}`),
);

/** Keys whose every junk value above is invalid, and where they live. */
const DURATIONS: Path[] = [
  ['monitor', 'probeInterval'],
  ['monitor', 'connectTimeout'],
  ['shutdownTimeout'],
  ['targets', 0, 'monitor', 'probeInterval'],
  ['backoff', 'initialInterval'],
  ['targets', 0, 'options', 'connectTimeout'],
];
const PORTS: Path[] = [['exporters', 'prometheus', 'port'], ['targets', 0, 'options', 'port']];
const ENUMS: Path[] = [['logLevel'], ['logFormat'], ['exporters', 'prometheus', 'readiness']];
const BOOLEANS: Path[] = [['exporters', 'prometheus', 'enabled'], ['targets', 0, 'options', 'insecureSkipHostKeyCheck']];
const SECTIONS: Path[] = [[], ['monitor'], ['targets', 0], ['targets', 0, 'options'], ['exporters', 'prometheus'], ['backoff']];

const mutation: fc.Arbitrary<{ kind: string; apply: (c: Record<string, Json>) => void }> = fc.oneof(
  fc.tuple(fc.constantFrom(...DURATIONS), junk.filter((v) => typeof v !== 'string' || v !== '1e3')).map(([path, v]) => ({
    kind: `duration ${path.join('.')}=${JSON.stringify(v)}`,
    apply: (c: Record<string, Json>) => setAt(c, path, v),
  })),
  fc.tuple(fc.constantFrom(...PORTS), fc.oneof(fc.constant(-1), fc.constant(65536), fc.constant(1.5), fc.constant('22x'), fc.constant('2e3'), fc.constant<Json>({}), fc.constant<Json>([]), fc.constant(true))).map(
    ([path, v]) => ({ kind: `port ${path.join('.')}=${JSON.stringify(v)}`, apply: (c: Record<string, Json>) => setAt(c, path, v) }),
  ),
  fc.tuple(fc.constantFrom(...ENUMS), fc.string({ maxLength: 10 }).map((s) => `not-${s}`)).map(([path, v]) => ({
    kind: `enum ${path.join('.')}=${v}`,
    apply: (c: Record<string, Json>) => setAt(c, path, v),
  })),
  fc.tuple(fc.constantFrom(...BOOLEANS), fc.constantFrom<Json>('yes', 'no', 1, 0, '', 'on', {})).map(([path, v]) => ({
    kind: `boolean ${path.join('.')}=${JSON.stringify(v)}`,
    apply: (c: Record<string, Json>) => setAt(c, path, v),
  })),
  fc.tuple(fc.constantFrom(...SECTIONS), fc.stringMatching(/^[a-z][a-zA-Z]{2,10}$/), junk).map(([path, name, v]) => ({
    kind: `unknown key ${[...path, `zz${name}`].join('.')}`,
    apply: (c: Record<string, Json>) => setAt(c, [...path, `zz${name}`], v),
  })),
  fc.constantFrom<Json>(5, 'rds-1', { name: 'x' }, [], null).map((v) => ({ kind: `targets=${JSON.stringify(v)}`, apply: (c: Record<string, Json>) => setAt(c, ['targets'], v) })),
  fc.constantFrom<Json>(5, 'rds-1', [], null).map((v) => ({ kind: `targets[0]=${JSON.stringify(v)}`, apply: (c: Record<string, Json>) => setAt(c, ['targets', 0], v) })),
  fc.constantFrom<Json>('bad name!', '', '-x', 5, 'a'.repeat(64)).map((v) => ({ kind: `name=${JSON.stringify(v)}`, apply: (c: Record<string, Json>) => setAt(c, ['targets', 0, 'name'], v) })),
  fc.constantFrom<Json>('carrier-pigeon', '', 7).map((v) => ({ kind: `transport=${JSON.stringify(v)}`, apply: (c: Record<string, Json>) => setAt(c, ['targets', 0, 'transport'], v) })),
  fc.constantFrom('host').map((k) => ({ kind: `missing ${k}`, apply: (c: Record<string, Json>) => setAt(c, ['targets', 0, 'options', k], undefined) })),
  fc.constant({
    kind: 'duplicate target',
    apply: (c: Record<string, Json>) => (c['targets'] as Json[]).push(structuredClone((c['targets'] as Json[])[0]!)),
  }),
  fc.constant({ kind: 'probeTimeout > probeInterval', apply: (c: Record<string, Json>) => setAt(c, ['monitor'], { probeInterval: '1s', probeTimeout: '2s' }) }),
);

describe('config property: every malformed config is refused cleanly', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let base: Record<string, Json>;

  before(async () => {
    tmp = await tempDir();
    const key = await writeUnusedKey(tmp.dir, 'id');
    base = {
      logLevel: 'info',
      monitor: { probeInterval: '5s', probeTimeout: '3s' },
      backoff: { strategy: 'exponential', initialInterval: '1s' },
      targets: [{ name: 'rds-1', transport: 'rds-ssh', options: { host: '127.0.0.1', port: 22, username: 'monitor', privateKeyFile: key, insecureSkipHostKeyCheck: true }, monitor: {} }],
      exporters: { prometheus: { enabled: true, port: 9464, readiness: 'any' } },
    };
  });
  after(async () => tmp.cleanup());

  it('the unmutated config is valid (so each failure below is the mutation\'s)', async () => {
    const file = join(tmp.dir, 'base.json');
    writeFileSync(file, JSON.stringify(base));
    const { io, out } = capture();
    assert.equal(await runCli(['validate', '-c', file], io), 0, out());
  });

  it(`${RUNS} malformed configs: exit 2 within 5 s, a key named, no stack trace`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const config = structuredClone(base);
        for (const m of mutations) {
          try {
            m.apply(config);
          } catch {
            // A mutation whose parent an earlier one replaced: the earlier one already broke the config.
          }
        }
        const file = join(tmp.dir, `m${n++}.json`);
        writeFileSync(file, JSON.stringify(config));
        const { io, out } = capture();
        const started = performance.now();
        const code = await runCli(['validate', '-c', file], io);
        const took = performance.now() - started;
        const text = out();
        const what = mutations.map((m) => m.kind).join('; ');
        assert.equal(code, 2, `${what}: exit ${code}\n${text}`);
        assert.ok(took < 5000, `${what}: took ${Math.round(took)} ms`);
        assert.match(text, /^ {2}(\(file\)|[A-Za-z][\w.[\]-]*): \S/m, `${what}: no issue names a key\n${text}`);
        assert.doesNotMatch(text, /\n\s+at \S+ \(|TypeError|Cannot read properties/, `${what}: internal error text\n${text}`);
      }),
      { numRuns: RUNS },
    );
  });
});
