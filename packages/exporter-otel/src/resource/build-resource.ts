import { hostname } from 'node:os';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { flattenResourceAttributes } from '../config.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Default `service.name` of every rds-agent. */
export const SERVICE_NAME = 'rds-agent';

/**
 * The resource every export carries. Precedence, lowest first:
 *
 * 1. `service.name=rds-agent`, `host.name=<os.hostname()>`;
 * 2. `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`, values percent-decoded), then `OTEL_SERVICE_NAME`;
 * 3. the config's `resourceAttributes`;
 * 4. `service.version` = the running agent's version, always (a dashboard must not be lied to about it).
 */
export function buildResource(version: string, configured: Readonly<Record<string, string>>, env: Env = process.env, host: string = hostname()): Resource {
  const attributes: Record<string, string> = { 'service.name': SERVICE_NAME, 'host.name': host };
  Object.assign(attributes, parseResourceAttributes(env['OTEL_RESOURCE_ATTRIBUTES']));
  const serviceName = env['OTEL_SERVICE_NAME']?.trim();
  if (serviceName) attributes['service.name'] = serviceName;
  Object.assign(attributes, configured);
  attributes['service.version'] = version;
  return resourceFromAttributes(attributes);
}

/** Parses the `OTEL_RESOURCE_ATTRIBUTES` format; malformed pairs are skipped, as the spec asks. */
export function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  return raw ? flattenResourceAttributes(raw) : {};
}
