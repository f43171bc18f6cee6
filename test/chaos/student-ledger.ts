import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import type { ChaosStack } from './chaos-stack.js';

export const STUDENTS = '/api/v1/students';

/** A valid student create body; ids are `<tag>-<n>` so each scenario finds its own. */
export function studentBody(tag: string, n: number, overrides: Record<string, unknown> = {}) {
  return {
    student_id: `${tag}-${n}`,
    first_name: 'Chaos',
    last_name: `Row ${n}`,
    hometown: 'Hanoi',
    math_score: 7,
    literature_score: 8,
    english_score: 9,
    ...overrides,
  };
}

/** What DynamoDB holds for the students table: item ids (counter and design items excluded) and the sum of the total counter's shards. */
export async function studentLedger(chaos: ChaosStack): Promise<{ ids: string[]; counted: number }> {
  const client = new DynamoDBClient({
    endpoint: chaos.dynamodb.endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const ids: string[] = [];
  let counted = 0;
  try {
    let start: Record<string, any> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: chaos.stack.env.STUDENTS_TABLE_NAME, ProjectionExpression: 'pk, n', ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S ?? '';
        if (/^#count#\d+$/.test(pk)) counted += Number(item.n?.N ?? 0);
        else if (pk && !pk.startsWith('#')) ids.push(pk);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return { ids, counted };
}

/** The students stored (a Scan past the fault proxy's throttling, which the caller turns off first). */
export async function storedStudentIds(chaos: ChaosStack): Promise<string[]> {
  return (await studentLedger(chaos)).ids;
}

/** The list's `total` as the API answers it (counter shards, through the list cache). */
export async function listedTotal(chaos: ChaosStack): Promise<number | undefined> {
  const res = await chaos.request('GET', `${STUDENTS}?page_size=1`, { as: 'viewer' });
  return res.status === 200 ? (res.body.total as number) : undefined;
}

/** Counter total minus items stored: 0 on a consistent table; a scenario must not move it. */
export async function counterDrift(chaos: ChaosStack): Promise<number> {
  const { ids, counted } = await studentLedger(chaos);
  return counted - ids.length;
}

/**
 * Whether this scenario left the counter shards agreeing with the items as much as before
 * (`baseline`, the drift at its start: earlier scenarios' drift is not counted again). Imports
 * move counters at checkpoints, so a difference must persist for `settleMs` to count.
 */
export async function countersMatchItems(chaos: ChaosStack, baseline: number, settleMs = 15_000): Promise<{ pass: boolean; detail: string }> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const { ids, counted } = await studentLedger(chaos);
    const drift = counted - ids.length;
    if (drift === baseline || Date.now() > deadline) {
      return {
        pass: drift === baseline,
        detail: `counter shards ${counted}, items ${ids.length}: drift ${drift >= 0 ? '+' : ''}${drift}${baseline === 0 ? '' : ` (${baseline} before this scenario)`}`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
