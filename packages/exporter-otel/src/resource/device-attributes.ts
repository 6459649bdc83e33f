import type { Labels } from '@rds-agent/core';

/** What the agent knows about one target: its name and the labels of its info series. */
export interface DeviceFacts {
  /** The target's name in the agent config (the `target` label). */
  readonly target: string;
  /** Labels of its `rds_target_info` series: `transport` and what the transport describes (`host`, `port`, ...). */
  readonly targetInfo?: Labels;
  /** Labels of its `rds_system_info` series: `version`, `board`, `architecture`, as the device reports them. */
  readonly systemInfo?: Labels;
}

/** The operating system every `rds_system_info` version belongs to (the catalog defines it as the RouterOS version). */
export const DEVICE_OS_NAME = 'RouterOS';

/**
 * RouterOS `architecture-name` values -> `host.arch` values of the semantic conventions. Names the
 * conventions do not list (`mipsbe`, `mmips`, `smips`, `tile`) are passed on verbatim, as the
 * conventions allow for an open enum.
 */
const HOST_ARCH: ReadonlyMap<string, string> = new Map([
  ['x86_64', 'amd64'],
  ['amd64', 'amd64'],
  ['x86', 'x86'],
  ['i386', 'x86'],
  ['arm64', 'arm64'],
  ['aarch64', 'arm64'],
  ['arm', 'arm32'],
  ['ppc', 'ppc32'],
  ['powerpc', 'ppc32'],
]);

/**
 * The resource attributes of one target, by the OpenTelemetry semantic conventions where one fits:
 *
 * | attribute | from | why |
 * |---|---|---|
 * | `host.name` | the target's name | a host is "a computing instance ... switches or disk array"; its name "may be ... another name specified by the user": the one the operator configured |
 * | `server.address`, `server.port` | `rds_target_info{host, port}` | the device is the server the agent connects to |
 * | `os.name`, `os.version`, `os.description` | `rds_system_info{version}` | `RouterOS`, `7.19.4`, `RouterOS 7.19.4 (stable)` |
 * | `host.arch` | `rds_system_info{architecture}` | `x86_64` -> `amd64`, `arm` -> `arm32`, ... |
 * | `device.model.identifier` | `rds_system_info{board}` | "a machine-readable version of the model identifier" (`RDS2216-2XG-4S+4XS-2XQ`) |
 * | `rds.transport` | `rds_target_info{transport}` | no convention: the agent's plugin that talks to the device |
 *
 * Empty labels (a fact not known yet, or not described by the transport) give no attribute; a port
 * that is not an integer in 1..65535 is left out. The other labels of `rds_target_info`
 * (`host_key_verification`, `probe_mode`, a plugin's own) describe how the agent watches the
 * device, not the device, and may change at run time: they stay on the `rds.target.info` points.
 */
export function deviceAttributes(facts: DeviceFacts): Record<string, string | number> {
  const attributes: Record<string, string | number> = { 'host.name': facts.target };
  const info = facts.targetInfo ?? {};
  const system = facts.systemInfo ?? {};
  if (info['transport']) attributes['rds.transport'] = info['transport'];
  if (info['host']) attributes['server.address'] = info['host'];
  const port = parsePort(info['port']);
  if (port !== undefined) attributes['server.port'] = port;
  const version = system['version']?.trim();
  if (version) {
    attributes['os.name'] = DEVICE_OS_NAME;
    // RouterOS prints `7.19.4 (stable)`: the number is the version, the whole line the description.
    attributes['os.version'] = version.split(' ', 1)[0]!;
    attributes['os.description'] = `${DEVICE_OS_NAME} ${version}`;
  }
  if (system['board']) attributes['device.model.identifier'] = system['board'];
  const arch = system['architecture'];
  if (arch) attributes['host.arch'] = HOST_ARCH.get(arch) ?? arch;
  return attributes;
}

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[0-9]{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65_535 ? port : undefined;
}
