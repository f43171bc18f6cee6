// aws-xray-sdk-core requires all of `semver` only to call `semver.gte` (SDK v2 patcher);
// aliasing it to this module (in the shared-deps layer build) keeps the real implementation
// and drops ~27 KB.
// A relative path, because the alias would also capture 'semver/...' subpaths.
module.exports = { gte: require('../../node_modules/semver/functions/gte.js') };
