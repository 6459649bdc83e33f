import { fakeTransportPlugin, testdataSuite } from '@rds-agent/core/testing';
import plugin from './index.js';

testdataSuite(new URL('../testdata/', import.meta.url), [plugin, fakeTransportPlugin()]);
