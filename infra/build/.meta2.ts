import { buildSync } from 'esbuild';
import { bundleOptions } from './bundle-functions.js';
const [entry, needle] = process.argv.slice(2);
const r = buildSync({ ...bundleOptions, entryPoints: { index: entry! }, outdir: '/tmp/meta-out', metafile: true, write: false });
const inputs = r.metafile!.inputs;
const start = Object.keys(inputs).find((k) => k.endsWith(entry!))!;
const prev = new Map<string, string>([[start, '']]);
const queue = [start];
while (queue.length) {
  const cur = queue.shift()!;
  if (cur.includes(needle!)) { const chain = []; let c: string | undefined = cur; while (c) { chain.unshift(c); c = prev.get(c) || undefined; } console.log(chain.join('\n  → ')); break; }
  for (const imp of inputs[cur]?.imports ?? []) if (!prev.has(imp.path) && inputs[imp.path]) { prev.set(imp.path, cur); queue.push(imp.path); }
}
