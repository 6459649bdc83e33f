import type { Plugin } from '@rds-agent/core';
import rdsSshPlugin from '@rds-agent/rds-ssh-plugin';
import prometheusPlugin from '@rds-agent/exporter-prometheus';
import otelPlugin from '@rds-agent/exporter-otel';

/**
 * The plugins the `rds-agent` distribution always loads (core's own is added by `prepareConfig`):
 * the `rds-ssh` transport and the `prometheus` and `otel` exporters. Third-party plugins are named
 * in the config's `plugins:` list.
 */
export const BUILTIN_PLUGINS: readonly Plugin[] = Object.freeze([rdsSshPlugin, prometheusPlugin, otelPlugin] as Plugin[]);
