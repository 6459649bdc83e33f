import type { ConfigIssue, ConfigSchema } from '@rds-agent/core';
import { INPUT_DEFAULTS, INPUT_DESCRIPTIONS, INPUT_NAMES, type InputName, type InputSettings } from './inputs/input-settings.js';

/** The validated options of one `rds-ssh` target (the keys under the target's `options:`). */
export interface RdsSshConfig {
  /** Host name or IP address of the RDS. */
  readonly host: string;
  /** SSH port. @default 22 */
  readonly port: number;
  /** Login name (RouterOS login flags such as `admin+ct` are allowed). */
  readonly username: string;
  /** OpenSSH or PEM private key file. At least one of `privateKeyFile` / `passwordFile` MUST be set. */
  readonly privateKeyFile: string | null;
  /** File holding the key's passphrase (first line, trailing newline dropped). */
  readonly passphraseFile: string | null;
  /** File holding the password (first line, trailing newline dropped). */
  readonly passwordFile: string | null;
  /** Pinned host keys as OpenSSH `SHA256:` fingerprints (`ssh-keygen -lf`). */
  readonly hostKeyFingerprints: readonly string[];
  /** OpenSSH known_hosts file; entries for `host` (port 22) or `[host]:port` are accepted. */
  readonly knownHostsFile: string | null;
  /** Accept any host key. Logged loudly at every start; `describe()` reports `host_key_verification: disabled`. @default false */
  readonly insecureSkipHostKeyCheck: boolean;
  /** Deadline of TCP connect + SSH handshake + authentication (ms). @default 10000 */
  readonly connectTimeout: number;
  /** The command a command probe runs; its output must carry no RouterOS error. @default ':put 1' */
  readonly probeCommand: string;
  /** Interval of keepalive@openssh.com pings (ms); 0 = off and every probe runs a command. @default 0 */
  readonly keepaliveInterval: number;
  /** In keepalive mode, how often a probe still runs a real command (ms). @default 60000 */
  readonly commandProbeInterval: number;
  /** Most command (`run`) channels open at once; a probe may use one more so it never queues behind slow commands. @default 2 */
  readonly maxChannels: number;
  /** Most bytes (stdout + stderr) one command may print before it is failed. @default 2097152 */
  readonly maxOutputBytes: number;
  /**
   * Disk slots the `traffic` input reads (`/disk monitor-traffic <slot> once` each). Empty:
   * discover them once per connection from the `/disk` listing (block devices, RAID arrays, file
   * disks). @default []
   */
  readonly telemetryDisks: readonly string[];
  /** Most slots one `traffic` run reads, discovered or listed: each costs one exec on the device. @default 32 */
  readonly telemetryMaxDisks: number;
  /** The RouterOS inputs, each with its own `enabled`, `interval`, `timeout` and `maxSeries` (see `INPUT_DEFAULTS`). */
  readonly inputs: Readonly<Record<InputName, InputSettings>>;
}

/** Shortest interval an input may run at: faster polling only loads the device. */
export const MIN_INPUT_INTERVAL_MS = 1000;

function inputSchema(name: InputName): ConfigSchema {
  const d = INPUT_DEFAULTS[name];
  return {
    enabled: { doc: `Whether the ${name} input runs (${INPUT_DESCRIPTIONS[name]}).`, format: 'strict-boolean', default: d.enabled },
    interval: { doc: `Time between two runs of the ${name} input.`, format: 'duration', default: d.interval },
    timeout: { doc: `Deadline of one run of the ${name} input; past it the run fails (reason timeout), the connection stays up.`, format: 'duration', default: d.timeout },
    maxSeries: {
      doc: `Most series one run of the ${name} input reports; whole slots, sensors or interfaces beyond it are dropped and counted.`,
      format: 'positive-int',
      default: d.maxSeries,
    },
  };
}

/** The convict fragment for a target's `options:` when `transport: rds-ssh`. */
export const rdsSshConfigSchema: ConfigSchema = {
  // Required: the default '' fails validate() with a clear message instead of silently meaning localhost.
  host: { doc: 'Host name or IP address of the RDS (required).', format: String, default: '' },
  port: { doc: 'SSH port of the RDS.', format: 'port', default: 22 },
  username: { doc: 'Login name on the RDS (a read-only RouterOS group is enough).', format: String, default: 'admin' },
  privateKeyFile: {
    doc: 'Path of the private key file (OpenSSH or PEM). Should be readable by the agent only.',
    format: 'file-path',
    default: null,
  },
  passphraseFile: {
    doc: 'Path of a file holding the private key passphrase.',
    format: 'file-path',
    default: null,
    sensitive: true,
  },
  passwordFile: {
    doc: 'Path of a file holding the password (used when no key file is set, or as a fallback).',
    format: 'file-path',
    default: null,
    sensitive: true,
  },
  hostKeyFingerprints: {
    doc: 'Pinned host key fingerprints, OpenSSH style: SHA256:<43 base64 characters> (see `rds-agent keyscan`).',
    format: 'string-list',
    default: [],
  },
  knownHostsFile: {
    doc: 'OpenSSH known_hosts file holding the host key (entries `host` or `[host]:port`, hashed entries allowed).',
    format: 'file-path',
    default: null,
  },
  insecureSkipHostKeyCheck: {
    doc: 'Accept any host key (man-in-the-middle possible). For labs only.',
    format: 'strict-boolean',
    default: false,
  },
  connectTimeout: { doc: 'Deadline of TCP connect, SSH handshake and authentication.', format: 'duration', default: 10_000 },
  probeCommand: { doc: 'RouterOS command a command probe runs.', format: String, default: ':put 1' },
  keepaliveInterval: {
    doc: 'Interval of keepalive@openssh.com pings; 0 turns keepalives off and every probe runs a command.',
    format: 'duration',
    default: 0,
  },
  commandProbeInterval: {
    doc: 'With keepalives on: how often a probe still runs a real command (keepalives prove the SSH layer only).',
    format: 'duration',
    default: 60_000,
  },
  maxChannels: {
    doc: 'Most command channels open at once on the connection (RouterOS serialises session creation badly); a probe may use one more.',
    format: 'positive-int',
    default: 2,
  },
  maxOutputBytes: { doc: 'Most output bytes one command may print.', format: 'positive-int', default: 2 * 1024 * 1024 },
  telemetryDisks: {
    doc: 'Disk slots the traffic input reads (one `/disk monitor-traffic <slot> once` each); empty = discover block devices, RAID arrays and file disks from the `/disk` listing once per connection.',
    format: 'string-list',
    default: [],
  },
  telemetryMaxDisks: {
    doc: 'Most disk slots one run of the traffic input reads (each is one command on the device).',
    format: 'positive-int',
    default: 32,
  },
  inputs: Object.fromEntries(INPUT_NAMES.map((name) => [name, inputSchema(name)])),
};

/** Defaults as a typed object (what convict yields for an empty `options:` plus the required keys). */
export const RDS_SSH_DEFAULTS: Omit<RdsSshConfig, 'host' | 'username'> = Object.freeze({
  port: 22,
  privateKeyFile: null,
  passphraseFile: null,
  passwordFile: null,
  hostKeyFingerprints: Object.freeze([]) as readonly string[],
  knownHostsFile: null,
  insecureSkipHostKeyCheck: false,
  connectTimeout: 10_000,
  probeCommand: ':put 1',
  keepaliveInterval: 0,
  commandProbeInterval: 60_000,
  maxChannels: 2,
  maxOutputBytes: 2 * 1024 * 1024,
  telemetryDisks: Object.freeze([]) as readonly string[],
  telemetryMaxDisks: 32,
  inputs: INPUT_DEFAULTS,
});

/** `SHA256:` + unpadded base64 of a 32-byte digest is always 43 characters. */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** A RouterOS disk slot name, as `assertSlotName` enforces it before a slot goes into a command. */
const SLOT_PATTERN = /^[a-zA-Z0-9-]{1,64}$/;

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isOptionalPath = (v: unknown): boolean => v === null || v === undefined || (isNonEmptyString(v) && !v.includes('\0'));

/**
 * Cross-field (and defensive per-key) validation of an `rds-ssh` fragment. Keys in the issues are
 * relative to the fragment (`passwordFile`, `hostKeyFingerprints[1]`); messages quote offending
 * values except secrets (there are none inline: secrets live in files).
 */
export function validateRdsSshConfig(config: Readonly<Partial<RdsSshConfig>>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const issue = (key: string, message: string): void => {
    issues.push({ key, message });
  };

  if (!isNonEmptyString(config.host)) issue('host', 'is required: the host name or IP address of the RDS');
  else if (!/^[A-Za-z0-9.:_%[\]-]+$/.test(config.host)) issue('host', `must be a host name or IP address: value was ${JSON.stringify(config.host)}`);
  if (!(Number.isInteger(config.port) && config.port! >= 1 && config.port! <= 65535)) {
    issue('port', `must be a port number from 1 to 65535: value was ${JSON.stringify(config.port)}`);
  }
  if (!isNonEmptyString(config.username)) issue('username', 'must be a non-empty login name');
  else if (/[\s\0]/.test(config.username)) issue('username', `must not contain white space: value was ${JSON.stringify(config.username)}`);

  for (const key of ['privateKeyFile', 'passphraseFile', 'passwordFile', 'knownHostsFile'] as const) {
    if (!isOptionalPath(config[key])) issue(key, 'must be a file path or null');
  }
  if (!config.privateKeyFile && !config.passwordFile) {
    issue('privateKeyFile', 'set privateKeyFile or passwordFile (secrets are read from files, never inline)');
  }
  if (config.passphraseFile && !config.privateKeyFile) issue('passphraseFile', 'is set but privateKeyFile is not');

  const fingerprints = config.hostKeyFingerprints ?? [];
  if (!Array.isArray(fingerprints)) {
    issue('hostKeyFingerprints', 'must be a list of SHA256:... fingerprints');
  } else {
    fingerprints.forEach((fp, i) => {
      if (typeof fp !== 'string' || !FINGERPRINT_PATTERN.test(fp)) {
        issue(
          `hostKeyFingerprints[${i}]`,
          `must look like SHA256:<43 base64 characters> (as printed by ssh-keygen -lf): value was ${JSON.stringify(fp)}`,
        );
      }
    });
  }
  if (config.insecureSkipHostKeyCheck !== undefined && typeof config.insecureSkipHostKeyCheck !== 'boolean') {
    issue('insecureSkipHostKeyCheck', `must be true or false: value was ${JSON.stringify(config.insecureSkipHostKeyCheck)}`);
  }
  const pinned = (Array.isArray(fingerprints) && fingerprints.length > 0) || !!config.knownHostsFile;
  if (pinned && config.insecureSkipHostKeyCheck === true) {
    // One of the two is a mistake, and guessing which would either drop the check or break a lab.
    issue(
      'insecureSkipHostKeyCheck',
      `is true, which ignores the pinned ${config.knownHostsFile ? 'knownHostsFile' : 'hostKeyFingerprints'}: remove insecureSkipHostKeyCheck to verify the host key, or the pins to skip it`,
    );
  }
  if (!pinned && config.insecureSkipHostKeyCheck !== true) {
    issue(
      'hostKeyFingerprints',
      'no host key pinned: set hostKeyFingerprints or knownHostsFile (get it with `rds-agent keyscan host:port`), or set insecureSkipHostKeyCheck: true for a lab',
    );
  }

  const positiveMs = (key: 'connectTimeout', min: number): void => {
    const v = config[key];
    if (!(Number.isInteger(v) && v! >= min)) issue(key, `must be a duration of at least ${min} ms: value was ${JSON.stringify(v)}`);
  };
  positiveMs('connectTimeout', 1);
  if (!(Number.isInteger(config.keepaliveInterval) && config.keepaliveInterval! >= 0)) {
    issue('keepaliveInterval', `must be a duration (0 = off): value was ${JSON.stringify(config.keepaliveInterval)}`);
  }
  if (!(Number.isInteger(config.commandProbeInterval) && config.commandProbeInterval! >= 0)) {
    issue('commandProbeInterval', `must be a duration: value was ${JSON.stringify(config.commandProbeInterval)}`);
  }
  if (!isNonEmptyString(config.probeCommand)) issue('probeCommand', 'must be a non-empty RouterOS command');
  else if (/[\r\n\0]/.test(config.probeCommand)) issue('probeCommand', 'must be a single line');
  if (!(Number.isInteger(config.maxChannels) && config.maxChannels! >= 1)) {
    issue('maxChannels', `must be a whole number of at least 1: value was ${JSON.stringify(config.maxChannels)}`);
  }
  if (!(Number.isInteger(config.maxOutputBytes) && config.maxOutputBytes! >= 1)) {
    issue('maxOutputBytes', `must be a whole number of bytes of at least 1: value was ${JSON.stringify(config.maxOutputBytes)}`);
  }
  const maxDisksValid = Number.isInteger(config.telemetryMaxDisks) && config.telemetryMaxDisks! >= 1;
  if (config.telemetryMaxDisks !== undefined && !maxDisksValid) {
    issue('telemetryMaxDisks', `must be a whole number of at least 1: value was ${JSON.stringify(config.telemetryMaxDisks)}`);
  }
  const disks = config.telemetryDisks ?? [];
  if (!Array.isArray(disks)) {
    issue('telemetryDisks', 'must be a list of disk slot names');
  } else {
    const seen = new Set<string>();
    disks.forEach((slot, i) => {
      if (typeof slot !== 'string' || !SLOT_PATTERN.test(slot)) {
        issue(`telemetryDisks[${i}]`, `must be a disk slot name (letters, digits, '-'; at most 64): value was ${JSON.stringify(slot)}`);
      } else if (seen.has(slot)) {
        issue(`telemetryDisks[${i}]`, `lists slot ${JSON.stringify(slot)} twice`);
      }
      if (typeof slot === 'string') seen.add(slot);
    });
    // A silent cut would leave listed slots unread with no sign why.
    if (maxDisksValid && disks.length > config.telemetryMaxDisks!) {
      issue('telemetryDisks', `lists ${disks.length} slots but telemetryMaxDisks is ${config.telemetryMaxDisks}: raise telemetryMaxDisks or list fewer`);
    }
  }
  issues.push(...validateInputs(config.inputs));
  return issues;
}

/** Per-input settings: keys `inputs.<name>.<setting>`; a missing section means the defaults. */
function validateInputs(inputs: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (inputs === undefined) return issues;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    return [{ key: 'inputs', message: `must be a mapping of input names (${INPUT_NAMES.join(', ')}) to settings: value was ${JSON.stringify(inputs)}` }];
  }
  for (const name of Object.keys(inputs)) {
    if (!(INPUT_NAMES as readonly string[]).includes(name)) issues.push({ key: `inputs.${name}`, message: `unknown input; expected one of: ${INPUT_NAMES.join(', ')}` });
  }
  for (const name of INPUT_NAMES) {
    const s = (inputs as Record<string, Partial<InputSettings> | undefined>)[name];
    if (s === undefined) continue;
    const key = `inputs.${name}`;
    if (s.enabled !== undefined && typeof s.enabled !== 'boolean') issues.push({ key: `${key}.enabled`, message: `must be true or false: value was ${JSON.stringify(s.enabled)}` });
    const interval = s.interval ?? INPUT_DEFAULTS[name].interval;
    const timeout = s.timeout ?? INPUT_DEFAULTS[name].timeout;
    const intervalOk = Number.isInteger(interval) && interval >= MIN_INPUT_INTERVAL_MS;
    const timeoutOk = Number.isInteger(timeout) && timeout >= 1;
    if (!intervalOk) issues.push({ key: `${key}.interval`, message: `must be a duration of at least 1s: value was ${JSON.stringify(s.interval)}` });
    if (!timeoutOk) issues.push({ key: `${key}.timeout`, message: `must be a duration of at least 1ms: value was ${JSON.stringify(s.timeout)}` });
    if (intervalOk && timeoutOk && timeout > interval) {
      issues.push({
        key: `${key}.timeout`,
        severity: 'warning',
        message: `(${timeout} ms) is longer than inputs.${name}.interval (${interval} ms): a slow device can make runs of the ${name} input skip their turn`,
      });
    }
    if (s.maxSeries !== undefined && !(Number.isInteger(s.maxSeries) && s.maxSeries >= 1)) {
      issues.push({ key: `${key}.maxSeries`, message: `must be a whole number of at least 1: value was ${JSON.stringify(s.maxSeries)}` });
    }
  }
  return issues;
}
