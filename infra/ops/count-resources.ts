/**
 * Prints the CloudFormation resource count of the app stack and each nested stack
 * (`npm run synth:count`): CloudFormation refuses a stack of more than 500 resources.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../build/bundle-functions.js';
import { createRecordsApp } from '../stacks/records-app.js';

const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const { stack } = createRecordsApp({ context: { ...context, '@aws-cdk/core:failSynthOnValidationErrors': false } });
const stacks: Stack[] = [stack, ...stack.node.findAll().filter((node): node is Stack => Stack.isStack(node) && node !== stack)];
for (const each of stacks) {
  const count = Object.keys(Template.fromStack(each).toJSON().Resources ?? {}).length;
  console.log(`${each.node.path.padEnd(40)} ${String(count).padStart(4)} / 500`);
}
