import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../infra/build/bundle-functions.js';

/** The feature flags `cdk synth` uses, so the tests see the template that gets deployed. */
export const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
/** Synthesis that reports cdk-nag findings instead of throwing; only the nag tests need strictness. */
export const lenient = { ...context, '@aws-cdk/core:failSynthOnValidationErrors': false };

/**
 * One template of the app (the app stack's or a nested stack's), with what it takes to compare
 * its values with the app stack's: nested templates read the app stack's resources through
 * parameters, and the app stack reads theirs through outputs.
 */
export interface StackView {
  readonly stack: Stack;
  readonly template: Template;
  /** A token as this template spells it (`{ Ref }` / `{ Fn::GetAtt }` of its own resources). */
  ref(token: string): any;
  /** A value of this template with the parameters the parent passes in replaced by what it passes (the identity for the app stack). */
  inParent(value: unknown): unknown;
  /** The resource of this template a construct attribute points at. */
  resourceOf(type: string, token: string): any;
  /** How the app stack (and sibling stacks, through it) spells a value of this stack: the value itself, or `{ Fn::GetAtt: [<nested stack>, Outputs.<name>] }`. */
  output(token: string): unknown;
}

const logicalIdOf = (resolved: any): string => resolved.Ref ?? resolved['Fn::GetAtt'][0];

/** The views of an app stack and of every stack nested in it, by stack; `of(construct)` is the view of the stack it lives in. */
export function stackViews(root: Stack) {
  const views = new Map<Stack, StackView>();
  const rootTemplate = Template.fromStack(root);
  const rootView: StackView = {
    stack: root,
    template: rootTemplate,
    ref: (token) => root.resolve(token),
    inParent: (value) => value,
    resourceOf: (type, token) => rootTemplate.findResources(type)[logicalIdOf(root.resolve(token))],
    output: (token) => root.resolve(token),
  };
  views.set(root, rootView);

  const nestedView = (nested: NestedStack): StackView => {
    const template = Template.fromStack(nested);
    let cached: Record<string, unknown> | undefined;
    const parameters = () =>
      (cached ??= (rootView.resourceOf('AWS::CloudFormation::Stack', nested.nestedStackResource!.ref)?.Properties.Parameters ?? {}) as Record<string, unknown>);
    const inParent = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(inParent);
      if (value && typeof value === 'object') {
        const name = (value as { Ref?: string }).Ref;
        if (name !== undefined && name in parameters()) return parameters()[name];
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, inParent(inner)]));
      }
      return value;
    };
    return {
      stack: nested,
      template,
      ref: (token) => nested.resolve(token),
      inParent,
      resourceOf: (type, token) => template.findResources(type)[logicalIdOf(nested.resolve(token))],
      output: (token) => {
        const value = JSON.stringify(nested.resolve(token));
        const [name] =
          Object.entries((template.toJSON().Outputs ?? {}) as Record<string, { Value: unknown }>).find(
            ([, output]) => JSON.stringify(output.Value) === value,
          ) ?? [];
        if (!name) throw new Error(`no output of ${nested.node.id} carries ${value}`);
        return { 'Fn::GetAtt': [logicalIdOf(root.resolve(nested.nestedStackResource!.ref)), `Outputs.${name}`] };
      },
    };
  };

  const view = (stack: Stack): StackView => {
    let found = views.get(stack);
    if (!found) {
      if (!NestedStack.isNestedStack(stack) || stack.nestedStackParent !== root)
        throw new Error(`${stack.node.path} is not ${root.node.path} or a stack nested in it`);
      found = nestedView(stack);
      views.set(stack, found);
    }
    return found;
  };
  const all = () => [root, ...root.node.findAll().filter((node): node is Stack => Stack.isStack(node) && node !== root)].map(view);
  return { root: rootView, view, of: (construct: IConstruct) => view(Stack.of(construct)), all };
}

export type StackViews = ReturnType<typeof stackViews>;

/** How many resources, parameters and outputs a template has. */
export function sizeOf(template: Template): { resources: number; parameters: number; outputs: number } {
  const json = template.toJSON() as Record<string, object | undefined>;
  const count = (section: string) => Object.keys(json[section] ?? {}).length;
  return { resources: count('Resources'), parameters: count('Parameters'), outputs: count('Outputs') };
}
