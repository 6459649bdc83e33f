import { BUILTIN_BACKOFFS } from '../backoff/builtin.js';
import { definePlugin, PLUGIN_API_VERSION } from '../plugin/plugin.js';

/** Core's own plugin: registers the built-in backoff strategies, always loaded first. @internal */
export const corePlugin = definePlugin({
  name: '@rds-agent/core',
  version: PLUGIN_API_VERSION,
  apiVersion: `^${PLUGIN_API_VERSION}`,
  register(host) {
    for (const [name, definition] of Object.entries(BUILTIN_BACKOFFS)) host.addBackoff(name, definition);
  },
});
