import { Stack } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { bundleChartLayer } from '../build/bundle-layers.js';

/**
 * The chart layer, one per stack: the DejaVu fonts (`/opt/fonts`, the only fonts resvg
 * loads, so Lambda draws the text a laptop draws) and `@resvg/resvg-js` with its native
 * binary (`/opt/nodejs/node_modules`). Functions that declare `chartRendering` get it and
 * run on the binary's architecture.
 */
export class ChartLayer extends Construct {
  public readonly layer: LayerVersion;
  public readonly architecture: Architecture;

  static of(scope: Construct): ChartLayer {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild('ChartLayer');
    return existing instanceof ChartLayer ? existing : new ChartLayer(stack, 'ChartLayer');
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const built = bundleChartLayer();
    this.architecture = built.architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64;
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(built.dir),
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [this.architecture],
      description: 'Chart rendering: DejaVu fonts and the resvg native addon',
    });
  }
}
