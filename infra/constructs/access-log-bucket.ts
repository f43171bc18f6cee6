import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface AccessLogBucketProps {
  removalPolicy: RemovalPolicy;
  autoDeleteObjects: boolean;
  /** What it receives, for the acknowledgement of AwsSolutions-S1 ("This bucket receives …"). */
  receives: string;
}

/**
 * A private bucket for CloudFront (and S3 server) access logs, kept 90 days. CloudFront's
 * standard logs are written with an ACL, so the bucket keeps ACLs enabled; it does not log its
 * own accesses (that would need another bucket, or loop into itself).
 */
export function accessLogBucket(scope: Construct, id: string, props: AccessLogBucketProps): Bucket {
  const bucket = new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    removalPolicy: props.removalPolicy,
    autoDeleteObjects: props.autoDeleteObjects,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `This bucket receives ${props.receives}; logging its own accesses would need another bucket (or loop into itself).`,
  });
  return bucket;
}
