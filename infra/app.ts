import { bundleFunctions } from './build/bundle-functions.js';
import { createRecordsApp } from './stacks/records-app.js';

// CDK deploys the esbuild output as it is, so the bundles must be fresh before synthesis.
bundleFunctions();
createRecordsApp();
