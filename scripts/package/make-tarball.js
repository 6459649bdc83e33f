// Builds rds-agent-<version>-linux-x64.tar.gz from the staged release tree, adding what an
// operator needs next to it:
//
//   rds-agent-<version>-linux-x64/
//     bin/ lib/ runtime/ RELEASE        the release tree (see stage-app.js)
//     config/config.yaml                the commented sample for /etc/rds-agent/config.yaml
//     systemd/rds-agent.service         the hardened unit, for a release unpacked to /opt/rds-agent
//     README.md                         the agent's README (commands, install, configuration)
//
// Deterministic: entries sorted by name, owner root, one mtime, `gzip -n` (no name, no time).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { normalizeTree } from './deterministic-tree.js';
import { runCommand } from './run-command.js';

/** Where the README's tarball route unpacks the release (a symlink to the versioned directory). */
export const TARBALL_PREFIX = '/opt/rds-agent';

export function makeTarball({ root, tree, out, release, executables }) {
  mkdirSync(join(tree, 'config'), { recursive: true });
  cpSync(join(root, 'deploy', 'config', 'config.yaml'), join(tree, 'config', 'config.yaml'));
  mkdirSync(join(tree, 'systemd'), { recursive: true });
  writeFileSync(join(tree, 'systemd', 'rds-agent.service'), unitForPrefix(readFileSync(join(root, 'deploy', 'systemd', 'rds-agent.service'), 'utf8')));
  cpSync(join(root, 'packages', 'agent', 'README.md'), join(tree, 'README.md'));
  normalizeTree(tree, { epoch: release.epoch, executables });

  const tarball = join(out, `${basename(tree)}.tar.gz`);
  runCommand(
    'tar',
    ['--sort=name', '--format=gnu', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${release.epoch}`, '--use-compress-program=gzip -n', '-C', dirname(tree), '-cf', tarball, basename(tree)],
    { env: { ...process.env, GZIP: '' } },
  );
  return tarball;
}

/** The unit as shipped for the .deb runs /usr/bin/rds-agent; the tarball's copy runs the release under /opt. */
export function unitForPrefix(unit) {
  const uses = unit.split('/usr/bin/rds-agent').length - 1;
  if (uses < 2) throw new Error('deploy/systemd/rds-agent.service: expected ExecStartPre and ExecStart to run /usr/bin/rds-agent');
  return unit.replaceAll('/usr/bin/rds-agent', `${TARBALL_PREFIX}/bin/rds-agent`);
}
