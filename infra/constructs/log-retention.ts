import type { IAspect } from 'aws-cdk-lib';
import { CfnLogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * One retention for every log group of a stack (the stage's): function, authorizer, access and
 * flow logs, and those CDK creates for its own handlers. Set here once rather than threaded
 * through every construct, so that no log group can be left to keep its logs forever.
 */
export class LogRetentionAspect implements IAspect {
  constructor(private readonly retention: RetentionDays) {}

  public visit(node: IConstruct): void {
    if (node instanceof CfnLogGroup) node.retentionInDays = this.retention;
  }
}
