import { createHash } from 'node:crypto';

/** The namespace the semantic conventions give for a name-based (v5) `service.instance.id`. */
export const SERVICE_INSTANCE_NAMESPACE = '4d63009a-8d0f-11ee-aad7-4c796ed8e320';

/**
 * A stable `service.instance.id`: the RFC 9562 (formerly 4122) version 5 UUID of `name` in the
 * namespace the OpenTelemetry conventions define for this attribute. The same agent on the same
 * host keeps its id across restarts, so series in backends keyed by it (Prometheus's `instance`
 * label after OTLP translation) do not churn; the name itself (host name and service name) is
 * not revealed by the id.
 */
export function serviceInstanceId(name: string, namespace: string = SERVICE_INSTANCE_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
