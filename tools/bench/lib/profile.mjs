// Summarises a V8 CPU profile (.cpuprofile, from `node --cpu-prof`) of one drain: self time by area (our libraries
// and apps inside the bundle, kafkajs by module, ajv's generated validators, Node internals, GC) and the hottest
// functions. This is the evidence behind the optimisation suggestions: where a record's CPU actually goes.
import fs from 'node:fs';

/** [firstLine, source path] of each module esbuild inlined, from its `// path/to/file.ts` markers. */
function bundleModules(bundleFile) {
  const lines = fs.readFileSync(bundleFile, 'utf8').split('\n');
  const modules = [];
  lines.forEach((line, i) => {
    const m = /^\/\/ ((?:libs|apps|tools)\/\S+\.ts)$/.exec(line);
    if (m) modules.push([i, m[1]]);
  });
  return modules;
}

function moduleAt(modules, line) {
  let found = 'bundle';
  for (const [start, file] of modules) {
    if (start > line) break;
    found = file;
  }
  return found;
}

function area(frame, bundleFile, modules) {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)' || functionName === '(root)') return 'V8/native (program)';
  if (url.includes('/node_modules/kafkajs/')) {
    const rel = url.slice(url.indexOf('/node_modules/kafkajs/') + '/node_modules/kafkajs/'.length);
    if (rel.includes('crc32C')) return 'kafkajs: CRC-32C (pure JS)';
    if (
      rel.startsWith('src/protocol/recordBatch') ||
      rel.startsWith('src/protocol/encoder') ||
      rel.startsWith('src/protocol/decoder')
    )
      return 'kafkajs: record encode/decode';
    if (rel.startsWith('src/protocol')) return 'kafkajs: protocol (other)';
    if (rel.startsWith('src/network')) return 'kafkajs: network';
    if (rel.startsWith('src/consumer')) return 'kafkajs: consumer';
    if (rel.startsWith('src/producer')) return 'kafkajs: producer';
    return 'kafkajs: other';
  }
  if (url.includes('/node_modules/ajv')) return 'ajv (runtime)';
  if (url.includes('/node_modules/')) return `npm: ${url.split('/node_modules/').pop().split('/')[0]}`;
  if (bundleFile && url.endsWith(bundleFile.split('/').pop())) return moduleAt(modules, frame.lineNumber);
  if (url === '' && /^validate\d*$/.test(functionName)) return 'ajv (generated validators)';
  if (url.startsWith('node:internal/crypto')) return 'node: crypto';
  if (url.startsWith('node:internal/buffer') || url === 'node:buffer') return 'node: buffer';
  if (url.startsWith('node:internal/encoding') || url.startsWith('node:internal/util')) return 'node: encoding/util';
  if (url.startsWith('node:internal/stream') || url.startsWith('node:net') || url.startsWith('node:internal/net'))
    return 'node: net/streams';
  if (url.startsWith('node:')) return 'node: other';
  if (url === '') return `native: ${functionName || '(anonymous)'}`;
  return url;
}

export function summariseProfile(profileFile, bundleFile, top = 12) {
  const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
  const modules = bundleFile ? bundleModules(bundleFile) : [];
  // Self time per node = its samples × the mean sampling interval.
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const byArea = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const n = counts.get(node.id) ?? 0;
    if (n === 0) continue;
    const a = area(node.callFrame, bundleFile, modules);
    if (a === 'idle') continue;
    busy += n;
    byArea.set(a, (byArea.get(a) ?? 0) + n);
    const fn = `${node.callFrame.functionName || '(anonymous)'} [${a}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  }
  const share = (n) => Number(((100 * n) / Math.max(1, busy)).toFixed(1));
  const sorted = (m) => [...m].sort((x, y) => y[1] - x[1]);
  return {
    busySamples: busy,
    areas: sorted(byArea)
      .map(([name, n]) => ({ area: name, percent: share(n) }))
      .filter((x) => x.percent >= 0.5),
    hottest: sorted(byFunction)
      .slice(0, top)
      .map(([name, n]) => ({ function: name, percent: share(n) })),
  };
}
