// Bundles reach node:http through this file, so esbuild emits a require() instead of an ES
// import: Node's ESM facade of a builtin reads every export once, and node:http's lazy
// WebSocket / CloseEvent / MessageEvent getters then load undici, ~25 ms of CPU at cold start
// that no function uses (Powertools Tracer and @middy/util import node:http). The indirect
// call keeps esbuild from resolving this require through the alias back to this file.
const requireAtRuntime = require;
module.exports = requireAtRuntime('node:http');
