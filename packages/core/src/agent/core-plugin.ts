import { BUILTIN_BACKOFFS } from '../backoff/builtin.js';
import { CORE_VERSION, definePlugin } from '../plugin/plugin.js';

/** Core's own plugin: registers the built-in backoff strategies, always loaded first. @internal */
export const corePlugin = definePlugin({
  name: '@rds-agent/core',
  version: CORE_VERSION,
  apiVersion: CORE_VERSION,
  register(host) {
    for (const [name, definition] of Object.entries(BUILTIN_BACKOFFS)) host.addBackoff(name, definition);
  },
});
