/**
 * Prints the CloudFormation resource, parameter and output counts of the app stack and each
 * nested stack (`npm run synth:count`, `npm run synth:count -- -c stage=prod`): CloudFormation
 * refuses a stack of more than 500 resources, 200 parameters or 200 outputs.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../build/bundle-functions.js';
import { createRecordsApp } from '../stacks/records-app.js';

/** CloudFormation's quotas per template. */
export const STACK_LIMITS = { resources: 500, parameters: 200, outputs: 200 } as const;

/** `-c key=value` (or `--context key=value`) pairs, as `cdk` takes them. */
function contextArguments(args: readonly string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    if (args[index] !== '-c' && args[index] !== '--context') continue;
    const [key, ...value] = (args[++index] ?? '').split('=');
    if (!key || value.length === 0) throw new Error(`expected -c key=value, got '${args[index] ?? ''}'`);
    pairs[key] = value.join('=');
  }
  return pairs;
}

const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const { stack, edgeAcl } = createRecordsApp({
  context: { ...context, ...contextArguments(process.argv.slice(2)), '@aws-cdk/core:failSynthOnValidationErrors': false },
});
// With -c waf=true the web ACL's us-east-1 stack too.
const stacks: Stack[] = [stack, ...stack.node.findAll().filter((node): node is Stack => Stack.isStack(node) && node !== stack), ...(edgeAcl ? [edgeAcl] : [])];
console.log(`${'stack'.padEnd(40)} ${'resources'.padStart(9)} ${'parameters'.padStart(10)} ${'outputs'.padStart(7)}`);
for (const each of stacks) {
  const template = Template.fromStack(each).toJSON() as Record<string, object | undefined>;
  const [resources, parameters, outputs] = (['Resources', 'Parameters', 'Outputs'] as const).map((section) => Object.keys(template[section] ?? {}).length);
  console.log(
    `${each.node.path.padEnd(40)} ${`${resources}/${STACK_LIMITS.resources}`.padStart(9)} ${`${parameters}/${STACK_LIMITS.parameters}`.padStart(10)} ${`${outputs}/${STACK_LIMITS.outputs}`.padStart(7)}`,
  );
}
