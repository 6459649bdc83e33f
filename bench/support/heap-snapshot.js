// Reads a V8 .heapsnapshot (as v8.writeHeapSnapshot writes it) and attributes the heap to
// categories by dominator: every object is charged to the nearest object on its dominator chain
// whose constructor a category claims (itself included), so the categories partition the heap and
// nothing is counted twice; what no categorised object dominates is "unattributed".
//
// Hand-written because the maintained analysers do not fit here: memlab's core pulls in puppeteer
// (a browser download at install), and v8-heapsnapshot parses but computes no dominators. The
// dominator tree is the iterative Cooper-Harvey-Kennedy algorithm over a DFS post-order, as Chrome
// DevTools computes it; weak edges are not retaining, nor are the root's shortcut edges.
//
//   node --max-old-space-size=8192 bench/support/heap-snapshot.js <file> [categories.json]
import { readFileSync } from 'node:fs';

/** Parses the snapshot file into typed arrays without building a JS object per node or edge. */
export function readSnapshot(file) {
  const buf = readFileSync(file);
  const find = (marker, from = 0) => {
    const i = buf.indexOf(marker, from, 'latin1');
    if (i < 0) throw new Error(`${file}: ${marker} not found`);
    return i + marker.length;
  };
  const nodesAt = find('"nodes":[');
  const snapshotHeader = JSON.parse(buf.toString('utf8', find('{"snapshot":'), nodesAt - '"nodes":['.length).replace(/,\s*$/, ''));
  const meta = snapshotHeader.meta;
  const readInts = (start, count) => {
    const out = new Float64Array(count);
    let n = 0;
    let v = 0;
    let inNumber = false;
    let i = start;
    for (; n < count; i++) {
      const c = buf[i];
      if (c >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        inNumber = true;
      } else {
        if (inNumber) {
          out[n++] = v;
          v = 0;
          inNumber = false;
        }
        if (c === 93) break; // ]
      }
    }
    return { values: out, end: i };
  };
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const nodeCount = snapshotHeader.node_count;
  const edgeCount = snapshotHeader.edge_count;
  const nodes = readInts(nodesAt, nodeCount * nodeFields);
  const edgesAt = find('"edges":[', nodes.end);
  const edges = readInts(edgesAt, edgeCount * edgeFields);
  const stringsAt = find('"strings":[', edges.end) - 1;
  const stringsEnd = buf.lastIndexOf(']');
  const strings = JSON.parse(buf.toString('utf8', stringsAt, stringsEnd + 1));
  return { meta, nodeCount, edgeCount, nodes: nodes.values, edges: edges.values, strings };
}

/**
 * Dominator-based attribution. `classify(name, type)` returns a category or undefined for a node's
 * name (the constructor name for objects) and type. Returns totals per category and the largest
 * constructors among unattributed objects.
 */
export function attribute(s, classify) {
  const { meta, nodeCount, nodes, edges, strings } = s;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const fType = meta.node_fields.indexOf('type');
  const fName = meta.node_fields.indexOf('name');
  const fSize = meta.node_fields.indexOf('self_size');
  const fEdges = meta.node_fields.indexOf('edge_count');
  const eType = meta.edge_fields.indexOf('type');
  const eTo = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[fType];
  const edgeTypes = meta.edge_types[eType];
  const WEAK = edgeTypes.indexOf('weak');
  const SHORTCUT = edgeTypes.indexOf('shortcut');

  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let n = 0, e = 0; n < nodeCount; n++) {
    firstEdge[n] = e;
    e += nodes[n * NF + fEdges] * EF;
  }
  firstEdge[nodeCount] = edges.length;
  const essential = (from, e) => {
    const t = edges[e + eType];
    return t !== WEAK && !(from === 0 && t === SHORTCUT);
  };

  // DFS post-order from the root (node 0), iterative.
  const post = new Uint32Array(nodeCount);
  const order = new Int32Array(nodeCount).fill(-1); // node -> post-order index
  const visited = new Uint8Array(nodeCount);
  const stack = new Uint32Array(nodeCount);
  const edgeCursor = new Uint32Array(nodeCount);
  let sp = 0;
  let postCount = 0;
  stack[sp++] = 0;
  visited[0] = 1;
  edgeCursor[0] = firstEdge[0];
  while (sp > 0) {
    const n = stack[sp - 1];
    let pushed = false;
    while (edgeCursor[n] < firstEdge[n + 1]) {
      const e = edgeCursor[n];
      edgeCursor[n] += EF;
      if (!essential(n, e)) continue;
      const to = edges[e + eTo] / NF;
      if (visited[to]) continue;
      visited[to] = 1;
      edgeCursor[to] = firstEdge[to];
      stack[sp++] = to;
      pushed = true;
      break;
    }
    if (!pushed) {
      sp--;
      order[n] = postCount;
      post[postCount++] = n;
    }
  }

  // Predecessors (by post-order index) of every reachable node, through essential edges.
  const predCount = new Uint32Array(postCount + 1);
  for (let n = 0; n < nodeCount; n++) {
    if (order[n] < 0) continue;
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
      if (!essential(n, e)) continue;
      const to = edges[e + eTo] / NF;
      if (order[to] >= 0) predCount[order[to] + 1]++;
    }
  }
  for (let i = 1; i <= postCount; i++) predCount[i] += predCount[i - 1];
  const preds = new Uint32Array(predCount[postCount]);
  const fill = predCount.slice(0, postCount);
  for (let n = 0; n < nodeCount; n++) {
    if (order[n] < 0) continue;
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
      if (!essential(n, e)) continue;
      const to = edges[e + eTo] / NF;
      if (order[to] >= 0) preds[fill[order[to]]++] = order[n];
    }
  }

  // Cooper-Harvey-Kennedy: idom by post-order index; the root is the last in post-order.
  const root = postCount - 1;
  const NONE = 0xffffffff;
  const idom = new Uint32Array(postCount).fill(NONE);
  idom[root] = root;
  let changed = true;
  while (changed) {
    changed = false;
    for (let b = root - 1; b >= 0; b--) {
      let next = NONE;
      for (let p = predCount[b]; p < predCount[b + 1]; p++) {
        let a = preds[p];
        if (idom[a] === NONE) continue;
        if (next === NONE) {
          next = a;
          continue;
        }
        let c = next;
        while (a !== c) {
          while (a < c) a = idom[a];
          while (c < a) c = idom[c];
        }
        next = a;
      }
      if (next !== NONE && idom[b] !== next) {
        idom[b] = next;
        changed = true;
      }
    }
  }

  // Category per node: its own, else its immediate dominator's (parents come later in post-order).
  const categories = [];
  const catIndex = new Map();
  const catOf = new Int32Array(postCount).fill(-1);
  for (let b = root; b >= 0; b--) {
    const n = post[b];
    const name = strings[nodes[n * NF + fName]];
    const type = nodeTypes[nodes[n * NF + fType]];
    const own = classify(name, type);
    if (own !== undefined) {
      if (!catIndex.has(own)) {
        catIndex.set(own, categories.length);
        categories.push(own);
      }
      catOf[b] = catIndex.get(own);
    } else catOf[b] = b === root ? -1 : catOf[idom[b]];
  }

  // For what no category claims: the nearest dominator with a specific constructor or function name
  // (not Object/Array/Map/system...), so "unattributed" still names who holds it.
  const GENERIC = new Set(['Object', 'Array', 'Map', 'Set', 'WeakMap', 'Promise', 'Error', 'Function', 'system / Context', '']);
  const ownerOf = new Int32Array(postCount).fill(-1);
  for (let b = root; b >= 0; b--) {
    const n = post[b];
    const type = nodeTypes[nodes[n * NF + fType]];
    const name = strings[nodes[n * NF + fName]];
    const specific = (type === 'object' || type === 'closure') && !GENERIC.has(name) && !name.startsWith('system /') && !name.startsWith('(');
    ownerOf[b] = specific ? b : b === root ? -1 : ownerOf[idom[b]];
  }
  const owners = new Map();

  const byCategory = new Map(categories.map((c) => [c, { self: 0, objects: 0 }]));
  const unattributed = new Map();
  const roots = new Map(categories.map((c) => [c, 0]));
  let totalSelf = 0;
  for (let b = 0; b < postCount; b++) {
    const n = post[b];
    const size = nodes[n * NF + fSize];
    totalSelf += size;
    const c = catOf[b];
    if (c >= 0) {
      const entry = byCategory.get(categories[c]);
      entry.self += size;
      entry.objects++;
      if (catOf[idom[b]] !== c || b === root) roots.set(categories[c], roots.get(categories[c]) + 1);
    } else {
      const type = nodeTypes[nodes[n * NF + fType]];
      const name = type === 'object' || type === 'native' || type === 'closure' ? strings[nodes[n * NF + fName]] : `(${type})`;
      const key = name.length > 80 ? name.slice(0, 77) + '...' : name;
      const u = unattributed.get(key) ?? { self: 0, objects: 0 };
      u.self += size;
      u.objects++;
      unattributed.set(key, u);
      const o = ownerOf[b];
      const on = o < 0 ? '(GC roots)' : `${nodeTypes[nodes[post[o] * NF + fType]] === 'closure' ? 'closure ' : ''}${strings[nodes[post[o] * NF + fName]]}`;
      const okey = on.length > 80 ? on.slice(0, 77) + '...' : on;
      const oe = owners.get(okey) ?? { self: 0, objects: 0 };
      oe.self += size;
      oe.objects++;
      owners.set(okey, oe);
    }
  }
  const constructors = new Map();
  for (let b = 0; b < postCount; b++) {
    const n = post[b];
    const type = nodeTypes[nodes[n * NF + fType]];
    const name = type === 'object' || type === 'native' || type === 'closure' ? strings[nodes[n * NF + fName]] : `(${type})`;
    const key = name.length > 80 ? name.slice(0, 77) + '...' : name;
    const entry = constructors.get(key) ?? { self: 0, objects: 0 };
    entry.self += nodes[n * NF + fSize];
    entry.objects++;
    constructors.set(key, entry);
  }
  return {
    nodes: nodeCount,
    reachable: postCount,
    totalSelf,
    byCategory: Object.fromEntries([...byCategory].map(([k, v]) => [k, { ...v, roots: roots.get(k) }])),
    unattributed: Object.fromEntries([...unattributed].sort((a, b) => b[1].self - a[1].self).slice(0, 60)),
    unattributedOwners: Object.fromEntries([...owners].sort((a, b) => b[1].self - a[1].self).slice(0, 120)),
    constructors: Object.fromEntries([...constructors].sort((a, b) => b[1].self - a[1].self).slice(0, 120)),
  };
}

/** The categories the memory bench reports, by constructor name (see bench/memory.js). */
export const AGENT_CATEGORIES = [
  ['ssh2 client and session (protocol, ciphers, channels, buffers)', ['Client', 'Protocol', 'ChaChaPolyCipher', 'ChaChaPolyDecipher', 'AESGCMCipher', 'AESGCMDecipher', 'GenericCipher', 'GenericDecipher', 'NullCipher', 'NullDecipher', 'Channel', 'ChannelManager', 'KexInit', 'Hash', 'Hmac']],
  ['sockets (net.Socket, TCP handle, stream state)', ['Socket', 'TCP', 'TCPConnectWrap', 'WriteWrap', 'ShutdownWrap', 'Node / TCPWrap', 'Node / TCPConnectWrap']],
  ['pino loggers', ['Pino']],
  ['prom-client metrics (series)', ['Counter', 'Gauge', 'Histogram', 'Summary', 'Registry']],
  ['Prometheus exporter (store, caches, HTTP)', ['PrometheusExporter', 'PromMetricStore', 'RequestHandler', 'Server']],
  ['metrics hub (catalog, replay state)', ['MetricsHub']],
  ['status store', ['StatusStore']],
  ['monitor, transport, collector, DI container', ['ConnectionMonitor', 'RdsSshTransport', 'TelemetryCollector', 'TargetRuntime', 'InternalDependencyContainer', 'SecretFiles', 'Semaphore', 'TargetAssembly']],
];

export function classifier(categories = AGENT_CATEGORIES) {
  const map = new Map();
  for (const [cat, names] of categories) for (const n of names) map.set(n, cat);
  return (name, type) => (type === 'object' || type === 'native' ? map.get(name) : undefined);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const categories = process.argv[3] ? JSON.parse(readFileSync(process.argv[3], 'utf8')) : AGENT_CATEGORIES;
  const s = readSnapshot(file);
  process.stdout.write(JSON.stringify(attribute(s, classifier(categories))) + '\n');
}
