import { existsSync } from 'node:fs';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { declarationOf } from '../../shared/registry.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { CHART_LAYER_DIR } from '../build/bundle-layers.js';
import { ServiceFunction } from './service-function.js';
import { Tables } from './tables.js';

const code = Code.fromInline('export const handler = async () => ({ statusCode: 204 });');

function synth(id: string) {
  const stack = new Stack(new App(), 'Test');
  const tables = new Tables(stack, 'Tables', { designs: [tableDesign(students)] });
  new ServiceFunction(stack, id, { declaration: declarationOf(id), tables, code });
  return Template.fromStack(stack);
}

describe('ChartLayer', () => {
  it('gives chart functions the fonts + resvg layer and the architecture of its native binary', () => {
    const template = synth('students-charts');
    const layers = template.findResources('AWS::Lambda::LayerVersion');
    const chart = Object.values(layers).find((layer) => String(layer.Properties.Description).startsWith('Chart rendering'));
    expect(chart).toBeDefined();
    const architecture = chart!.Properties.CompatibleArchitectures[0];
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Architectures: [architecture] } }));
    expect(fn?.Properties.Layers).toHaveLength(2);
    for (const file of ['fonts/DejaVuSans.ttf', 'fonts/DejaVuSans-Bold.ttf', 'fonts/LICENSE-DejaVu.txt', 'nodejs/node_modules/@resvg/resvg-js/index.js']) {
      expect(existsSync(path.join(CHART_LAYER_DIR, file)), file).toBe(true);
    }
  });

  it('leaves other functions on arm64 with the shared layer only', () => {
    const template = synth('students-export');
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'] });
  });
});
