import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from './pattern-matcher.js';

/**
 * What the documented-examples tests share (pattern-matcher.event-ruler.docs.test.ts,
 * pattern-matcher.eventbridge.docs.test.ts): the event-ruler README's sample event and the
 * runner that checks each example's pattern against the events it must and must not match.
 */
/** The event-ruler README's sample event ("Ruler by Example"). */
export const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
};
export const withDetail = (detail: Record<string, unknown>) => ({ ...rulerEvent, detail: { ...rulerEvent.detail, ...detail } });

/** One documented example: where it comes from, its pattern, events it matches and events it misses. */
export interface DocumentedExample {
  source: string;
  name: string;
  pattern: object;
  matches: unknown[];
  misses: unknown[];
}

/** One `describe` a documented example, each event an `it`. */
export function describeDocumentedExamples(examples: readonly DocumentedExample[]): void {
  describe('EventBridge pattern matching: documented examples', () => {
    for (const example of examples) {
      describe(`${example.name} (${example.source})`, () => {
        it.each(example.matches.map((event, index) => [index, event]))('matches event %i', (_index, event) => {
          expect(matchesEventPattern(example.pattern, event)).toBe(true);
        });
        it.each(example.misses.map((event, index) => [index, event]))('does not match event %i', (_index, event) => {
          expect(matchesEventPattern(example.pattern, event)).toBe(false);
        });
      });
    }
  });
}
