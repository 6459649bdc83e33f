// Builds rds-agent_<version>_amd64.deb with dpkg-deb from the staged release tree:
//
//   /usr/lib/rds-agent/...                  the release tree (launcher, agent, bundled Node.js)
//   /usr/bin/rds-agent                      -> ../lib/rds-agent/bin/rds-agent
//   /etc/rds-agent/config.yaml              the commented sample (a conffile)
//   /lib/systemd/system/rds-agent.service   the hardened unit
//   /usr/share/doc/rds-agent/               copyright, changelog.gz
//   /usr/share/man/man1/rds-agent.1.gz
//
// Maintainer scripts, control template and copyright live in deploy/debian/.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listTree, normalizeTree } from './deterministic-tree.js';
import { runCommand } from './run-command.js';

const MAINTAINER = 'rds-agent maintainers <maintainers@rds-agent.example>';
const CONFFILES = ['etc/rds-agent/config.yaml'];
const SCRIPTS = ['postinst', 'prerm', 'postrm'];

/**
 * Moves `tree` into the package staging directory, builds the .deb into `out`, and moves the tree
 * back (the tarball is made from it next). Returns the .deb's path.
 */
export function makeDeb({ root, tree, work, out, release, executables }) {
  const debian = join(root, 'deploy', 'debian');
  const stage = join(work, 'deb');
  const lib = join(stage, 'usr', 'lib', 'rds-agent');
  mkdirSync(join(stage, 'usr', 'lib'), { recursive: true });
  renameSync(tree, lib);
  try {
    mkdirSync(join(stage, 'usr', 'bin'), { recursive: true });
    for (const exe of executables.filter((e) => e.startsWith('bin/'))) symlinkSync(`../lib/rds-agent/${exe}`, join(stage, 'usr', exe));
    mkdirSync(join(stage, 'etc', 'rds-agent'), { recursive: true });
    cpSync(join(root, 'deploy', 'config', 'config.yaml'), join(stage, 'etc', 'rds-agent', 'config.yaml'));
    mkdirSync(join(stage, 'lib', 'systemd', 'system'), { recursive: true });
    cpSync(join(root, 'deploy', 'systemd', 'rds-agent.service'), join(stage, 'lib', 'systemd', 'system', 'rds-agent.service'));

    const doc = join(stage, 'usr', 'share', 'doc', 'rds-agent');
    mkdirSync(doc, { recursive: true });
    cpSync(join(debian, 'copyright'), join(doc, 'copyright'));
    writeFileSync(join(doc, 'changelog.gz'), gzipSync(debianChangelog(release), { level: 9 }));
    const man = join(stage, 'usr', 'share', 'man', 'man1');
    mkdirSync(man, { recursive: true });
    const manPage = readFileSync(join(debian, 'rds-agent.1'), 'utf8').replaceAll('@VERSION@', release.version).replaceAll('@DATE@', isoDate(release.epoch));
    writeFileSync(join(man, 'rds-agent.1.gz'), gzipSync(manPage, { level: 9 }));
    const overrides = join(debian, 'lintian-overrides');
    mkdirSync(join(stage, 'usr', 'share', 'lintian', 'overrides'), { recursive: true });
    cpSync(overrides, join(stage, 'usr', 'share', 'lintian', 'overrides', 'rds-agent'));

    const control = join(stage, 'DEBIAN');
    mkdirSync(control);
    for (const script of SCRIPTS) cpSync(join(debian, script), join(control, script));
    writeFileSync(join(control, 'conffiles'), CONFFILES.map((f) => `/${f}\n`).join(''));
    writeFileSync(join(control, 'md5sums'), md5sums(stage));
    const shlibs = checkedShlibsDepends(readFileSync(join(debian, 'shlibs-depends'), 'utf8').trim(), join(lib, 'runtime', 'bin', 'node'), work);
    writeFileSync(
      join(control, 'control'),
      readFileSync(join(debian, 'control.in'), 'utf8')
        .replaceAll('@VERSION@', release.version)
        .replaceAll('@INSTALLED_SIZE@', String(installedSizeKiB(stage)))
        .replaceAll('@SHLIBS_DEPENDS@', shlibs)
        .replaceAll('@NODE_VERSION@', `Node.js ${release.nodeVersion}`),
    );

    normalizeTree(stage, {
      epoch: release.epoch,
      executables: [...executables.map((e) => `usr/lib/rds-agent/${e}`), ...SCRIPTS.map((s) => `DEBIAN/${s}`)],
    });
    const deb = join(out, `rds-agent_${release.version}_amd64.deb`);
    runCommand('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, deb], {
      env: { ...process.env, SOURCE_DATE_EPOCH: String(release.epoch) },
    });
    return deb;
  } finally {
    renameSync(lib, tree);
  }
}

/** A native package's changelog in Debian's format: one entry for this release. */
function debianChangelog({ version, commit, epoch }) {
  const date = new Date(epoch * 1000).toUTCString().replace('GMT', '+0000');
  return `rds-agent (${version}) unstable; urgency=medium

  * Release ${version}. The changes are listed in CHANGELOG.md of the
    source (https://github.com/rds-agent/rds-agent).
  * Built from commit ${commit.slice(0, 12)}${commit.endsWith('+changes') ? ' with local changes' : ''}.

 -- ${MAINTAINER}  ${date}
`;
}

/** `<md5>  <path>` for every file the package installs, conffiles aside (dpkg tracks those itself). */
function md5sums(stage) {
  return listTree(stage)
    .filter((e) => e.type === 'file' && !e.path.startsWith('DEBIAN/') && !CONFFILES.includes(e.path))
    .map((e) => `${createHash('md5').update(readFileSync(join(stage, e.path))).digest('hex')}  ${e.path}\n`)
    .join('');
}

/** Installed-Size as dpkg-gencontrol computes it: KiB per file rounded up, 1 per directory or symlink. */
function installedSizeKiB(stage) {
  return listTree(stage)
    .filter((e) => !e.path.startsWith('DEBIAN'))
    .reduce((sum, e) => sum + (e.type === 'file' ? Math.ceil(e.size / 1024) : 1), 0);
}

/**
 * The shared-library dependencies of the bundled node are pinned in deploy/debian/shlibs-depends
 * (so the control file does not depend on the build machine); where dpkg-shlibdeps is installed,
 * it must agree, so a new runtime cannot ship with stale dependencies.
 */
function checkedShlibsDepends(pinned, node, work) {
  const dir = join(work, 'shlibdeps');
  mkdirSync(join(dir, 'debian'), { recursive: true });
  writeFileSync(join(dir, 'debian', 'control'), 'Source: rds-agent\n\nPackage: rds-agent\nArchitecture: amd64\n');
  let computed;
  try {
    computed = runCommand('dpkg-shlibdeps', ['-O', `-e${node}`], { cwd: dir });
  } catch (err) {
    if (/ENOENT/.test(String(err.message))) {
      console.warn('package: dpkg-shlibdeps not installed (apt-get install dpkg-dev): the pinned shared-library dependencies were not re-checked');
      return pinned;
    }
    throw err;
  }
  const found = /^shlibs:Depends=(.*)$/m.exec(computed)?.[1]?.trim();
  if (found !== pinned) throw new Error(`deploy/debian/shlibs-depends says "${pinned}", dpkg-shlibdeps finds "${found}" for the bundled node: update the file`);
  return pinned;
}

function isoDate(epoch) {
  return new Date(epoch * 1000).toISOString().slice(0, 10);
}
