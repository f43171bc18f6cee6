import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import type { ChaosStack } from './chaos-stack.js';

export const STUDENTS = '/api/v1/students';

/** A valid student create body; ids are `<tag>-<n>` so each scenario finds its own. */
export function studentBody(tag: string, n: number, overrides: Record<string, unknown> = {}) {
  return { student_id: `${tag}-${n}`, first_name: 'Chaos', last_name: `Row ${n}`, hometown: 'Hanoi', math_score: 7, literature_score: 8, english_score: 9, ...overrides };
}

/** The students as DynamoDB holds them (a Scan past the fault proxy's throttling, which the caller turns off first): item ids, counter items excluded. */
export async function storedStudentIds(chaos: ChaosStack): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint: chaos.dynamodb.endpoint, region: LOCAL_AWS_ENV.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const ids: string[] = [];
  try {
    let start: Record<string, any> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: chaos.stack.env.STUDENTS_TABLE_NAME, ProjectionExpression: 'pk', ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S;
        if (pk && !pk.startsWith('#')) ids.push(pk);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return ids;
}

/** The list's `total` (the counter shards, never a scan). */
export async function listedTotal(chaos: ChaosStack): Promise<number | undefined> {
  const res = await chaos.request('GET', `${STUDENTS}?page_size=1`, { as: 'viewer' });
  return res.status === 200 ? (res.body.total as number) : undefined;
}

/**
 * Counter total vs the items actually stored, as one check's verdict and detail. Imports move
 * counters at checkpoints, so a difference must persist for `settleMs` to count as drift.
 */
export async function countersMatchItems(chaos: ChaosStack, settleMs = 15_000): Promise<{ pass: boolean; detail: string }> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const [total, ids] = await Promise.all([listedTotal(chaos), storedStudentIds(chaos)]);
    if (total === ids.length || Date.now() > deadline) return { pass: total === ids.length, detail: `list total ${total}, items stored ${ids.length}` };
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
