import { readFileSync } from 'node:fs';
import semver from 'semver';
import { CORE_VERSION, type Plugin } from '../plugin/plugin.js';

/**
 * What is wrong with a plugin's declaration against its package.json (empty when nothing): the one
 * version contract is that `apiVersion` is the same range as `peerDependencies['@rds-agent/core']`
 * and includes this core; `version`, when given, is the package's version.
 *
 * ```ts
 * assert.deepEqual(pluginManifestProblems(plugin, new URL('../package.json', import.meta.url)), []);
 * ```
 *
 * @public
 */
export function pluginManifestProblems(plugin: Plugin, packageJson: URL | string): string[] {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string; peerDependencies?: Record<string, string> };
  const problems: string[] = [];
  const peer = pkg.peerDependencies?.['@rds-agent/core'];
  if (peer === undefined) problems.push('package.json has no peerDependencies["@rds-agent/core"]');
  else if (peer !== plugin.apiVersion) problems.push(`apiVersion ${JSON.stringify(plugin.apiVersion)} differs from peerDependencies["@rds-agent/core"] ${JSON.stringify(peer)}`);
  const range = semver.validRange(plugin.apiVersion);
  if (!range || !semver.satisfies(CORE_VERSION, range, { includePrerelease: true })) problems.push(`apiVersion ${JSON.stringify(plugin.apiVersion)} does not include @rds-agent/core ${CORE_VERSION}`);
  if (plugin.version !== undefined && plugin.version !== pkg.version) problems.push(`version ${JSON.stringify(plugin.version)} differs from package.json ${JSON.stringify(pkg.version)}`);
  return problems;
}
