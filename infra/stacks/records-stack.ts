import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { entities, functions } from '../../shared/registry.js';
import { HttpApi } from '../constructs/api.js';
import { CursorSecret } from '../constructs/cursor-secret.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { EntityTables } from '../constructs/tables.js';

export interface RecordsStackProps extends StackProps {
  /**
   * Applied to everything that holds data or logs: tables, cursor key, log groups.
   * DESTROY is for throw-away environments (`cdk deploy -c removalPolicy=destroy`).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * @default - the `HttpApi` default (100 requests per second)
   */
  readonly throttleRateLimit?: number;
  /**
   * @default - the `HttpApi` default (200 requests)
   */
  readonly throttleBurstLimit?: number;
}

/** The platform: everything is derived from the registry, so this file only wires. */
export class RecordsStack extends Stack {
  public readonly tables: EntityTables;
  public readonly cursorSecret: CursorSecret;
  public readonly functions: readonly ServiceFunction[];
  public readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: RecordsStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.tables = new EntityTables(this, 'Tables', { entities, removalPolicy });
    this.cursorSecret = new CursorSecret(this, 'CursorSecret', { removalPolicy });
    this.functions = functions.map(
      (declaration) =>
        new ServiceFunction(this, declaration.id, {
          declaration,
          tables: this.tables,
          cursorSecret: this.cursorSecret.secret,
          logRemovalPolicy: removalPolicy,
        }),
    );
    this.api = new HttpApi(this, 'HttpApi', {
      functions: this.functions,
      throttleRateLimit: props.throttleRateLimit,
      throttleBurstLimit: props.throttleBurstLimit,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
  }
}
