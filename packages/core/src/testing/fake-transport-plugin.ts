import { definePlugin, type Plugin } from '../plugin/plugin.js';
import { FakeTransport, type FakeTransportOptions } from './fake-transport.js';

/**
 * A plugin that registers `transport: fake` (a {@link FakeTransport} per target, built with
 * `options`), so that exporter and backoff plugins can be tested through the agent's config
 * pipeline without a real transport. `created` holds every transport it made, in order.
 *
 * @public
 */
export function fakeTransportPlugin(options: FakeTransportOptions = {}): Plugin & { readonly created: FakeTransport[] } {
  const created: FakeTransport[] = [];
  const plugin = definePlugin({
    name: 'fake-transport',
    apiVersion: '^0.2.0',
    register(host) {
      host.addTransport('fake', {
        schema: {},
        infoLabels: Object.keys(options.labels ?? {}),
        create: () => {
          const transport = new FakeTransport(options);
          created.push(transport);
          return transport;
        },
      });
    },
  });
  return { ...plugin, created };
}
