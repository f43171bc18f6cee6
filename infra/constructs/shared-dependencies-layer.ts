import { Stack } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LAYER_PACKAGES } from '../build/bundle-functions.js';
import { bundleSharedDependencies } from '../build/bundle-layers.js';

/**
 * The shared-dependencies layer (ioredis, the X-Ray SDK), one per stack: dependencies that
 * would otherwise add ~290 KB to every function bundle. Lambda resolves imports from
 * /opt/nodejs/node_modules (ES modules since Node.js 18; ioredis is `require`d, see
 * shared/redis/ioredis.ts).
 */
export class SharedDependenciesLayer extends Construct {
  public readonly layer: LayerVersion;

  /** The stack's layer, created on first use. */
  static of(scope: Construct): SharedDependenciesLayer {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild('SharedDependencies');
    return existing instanceof SharedDependenciesLayer ? existing : new SharedDependenciesLayer(stack, 'SharedDependencies');
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(bundleSharedDependencies()),
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.ARM_64],
      description: `Shared runtime dependencies (${LAYER_PACKAGES.join(', ')}), bundled by esbuild`,
    });
  }
}
