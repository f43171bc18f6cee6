// Bundles reach the X-Ray SDK (CommonJS, in the shared-deps layer) through this file, so
// esbuild emits a require() instead of an ES import of it: Node's ESM loader lexes a whole
// CommonJS file for its export names before running it, ~25 ms of CPU at cold start for the
// SDK's 100 KB that require() never spends. The indirect call keeps esbuild from bundling the
// package (or resolving this require through the alias back to this file); the bundle banner
// defines `require`.
const requireAtRuntime = require;
module.exports = requireAtRuntime('aws-xray-sdk-core');
