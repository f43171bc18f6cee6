/**
 * The S3 file-drop door of bulk import, declared once: CDK reads it to configure the imports
 * bucket's notifications, the local S3 endpoint reads it to deliver the same events locally.
 *
 * S3 accepts one prefix and one suffix per notification configuration, so each suffix
 * becomes its own filter (see {@link importTriggerFilters}).
 */
export const importTrigger = {
  /** Logical name of the bucket (CDK construct id; also the env var prefix). */
  bucket: 'imports',
  /** The bucket's name in the local run (a deployed bucket gets a generated name). */
  localBucketName: 'records-imports',
  /** Environment variable through which functions learn the bucket's name. */
  bucketEnv: 'IMPORTS_BUCKET',
  /** Objects created under this prefix start an import: `imports/{entity}/…`. */
  prefix: 'imports/',
  /** Only these file types start one (case-sensitive, as S3 filters are). */
  suffixes: ['.csv', '.xlsx'],
  /** S3 event types that start an import. */
  events: ['s3:ObjectCreated:*'],
} as const;

export interface ImportTriggerFilter {
  /** Notification configuration id (appears as `s3.configurationId` in event records). */
  id: string;
  prefix: string;
  suffix: string;
}

/** One S3 notification filter per suffix, all sharing the prefix. */
export function importTriggerFilters(): ImportTriggerFilter[] {
  return importTrigger.suffixes.map((suffix) => ({
    id: `import-trigger${suffix.replace(/\W/g, '-')}`,
    prefix: importTrigger.prefix,
    suffix,
  }));
}
