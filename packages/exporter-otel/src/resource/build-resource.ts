import { hostname } from 'node:os';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { flattenResourceAttributes } from '../config.js';
import { serviceInstanceId } from './service-instance-id.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Default `service.name` of every rds-agent. */
export const SERVICE_NAME = 'rds-agent';

/**
 * Attribute namespaces that describe the machine a resource is about. On the agent's resource they
 * describe the agent's host; a target's resource takes them from the device only (see
 * `device-attributes.ts`), never from the agent.
 */
export const MACHINE_NAMESPACES = ['host.', 'os.', 'device.', 'server.'] as const;

/**
 * The agent's resource attributes. Precedence, lowest first:
 *
 * 1. `service.name=rds-agent`, `host.name=<os.hostname()>`;
 * 2. `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`, values percent-decoded), then `OTEL_SERVICE_NAME`;
 * 3. the config's `resourceAttributes`;
 * 4. `service.version` = the running agent's version, always (a dashboard must not be lied to about it);
 * 5. `service.instance.id`, unless set above: a version 5 UUID of `service.namespace`, `service.name`
 *    and `host.name`, so the same agent keeps it across restarts (see `service-instance-id.ts`).
 */
export function agentResourceAttributes(version: string, configured: Readonly<Record<string, string>>, env: Env = process.env, host: string = hostname()): Record<string, string> {
  const attributes: Record<string, string> = { 'service.name': SERVICE_NAME, 'host.name': host };
  Object.assign(attributes, parseResourceAttributes(env['OTEL_RESOURCE_ATTRIBUTES']));
  const serviceName = env['OTEL_SERVICE_NAME']?.trim();
  if (serviceName) attributes['service.name'] = serviceName;
  Object.assign(attributes, configured);
  attributes['service.version'] = version;
  attributes['service.instance.id'] ??= serviceInstanceId([attributes['service.namespace'] ?? '', attributes['service.name'], attributes['host.name'] ?? ''].join('\n'));
  return attributes;
}

/** The agent's resource (see {@link agentResourceAttributes}). */
export function buildResource(version: string, configured: Readonly<Record<string, string>>, env: Env = process.env, host: string = hostname()): Resource {
  return resourceFromAttributes(agentResourceAttributes(version, configured, env, host));
}

/**
 * What every target's resource carries of the agent's: `service.*` (which agent watches the device),
 * deployment and user attributes; not the {@link MACHINE_NAMESPACES}, which would put the device's
 * metrics on the agent's host.
 */
export function sharedResourceAttributes(agent: Readonly<Record<string, string>>): Record<string, string> {
  const shared: Record<string, string> = {};
  for (const [key, value] of Object.entries(agent)) {
    if (!MACHINE_NAMESPACES.some((ns) => key.startsWith(ns))) shared[key] = value;
  }
  return shared;
}

/** Parses the `OTEL_RESOURCE_ATTRIBUTES` format; malformed pairs are skipped, as the spec asks. */
export function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  return raw ? flattenResourceAttributes(raw) : {};
}
