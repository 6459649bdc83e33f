import type { ConfigIssue } from '../errors/agent-error.js';
import type { ConfigSchema } from '../config/schema-types.js';
import type { TransportFactory } from './transport.js';

/**
 * A named transport type: its per-target config schema fragment (the keys under a target's
 * `options:`), optional cross-field validation (keys relative to the fragment), and a factory.
 *
 * @public
 */
export interface TransportDefinition<C = Record<string, unknown>> {
  readonly schema: ConfigSchema;
  /**
   * The label names this transport's `describe()` returns (`[a-z_][a-z0-9_]*`, bounded values,
   * never secrets); they become labels of `rds_target_info`. A described label not listed here is
   * dropped. @default []
   */
  readonly infoLabels?: readonly string[];
  /**
   * The libraries this transport is built on, by npm package name, with the version installed
   * (`installedPackageVersion(name, import.meta.url)`; undefined when not found). Each becomes a
   * `<package>_version` label of `rds_agent_build_info` (`ssh2` -> `ssh2_version`), so an operator
   * sees which copy an agent loaded. List only what decides the transport's behaviour. @default {}
   */
  readonly componentVersions?: Readonly<Record<string, string | undefined>>;
  validate?(config: Readonly<C>): readonly ConfigIssue[];
  /**
   * Checks what the files the config names hold (a key that parses, a passphrase that decrypts
   * it), with keys relative to the fragment. Runs after the core found every `file-path` setting
   * readable, wherever the config is validated (`validate`, `run`, reloads), never per connect. It
   * MUST NOT log or return file contents. A throw is reported as an issue of the target.
   */
  checkFiles?(config: Readonly<C>): readonly ConfigIssue[];
  readonly create: TransportFactory<C>;
}
