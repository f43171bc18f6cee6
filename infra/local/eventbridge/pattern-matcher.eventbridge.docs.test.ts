import { type DocumentedExample, describeDocumentedExamples, rulerEvent } from './pattern-matcher.docs-examples.js';

/**
 * Every example of the EventBridge content-filtering documentation, each pattern with events it
 * must and must not match (the event-ruler README's are in pattern-matcher.event-ruler.docs.test.ts).
 *
 * Sources:
 * - OPERATORS: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 *   ("Comparison operators for use in event patterns", the current content-filtering page,
 *   formerly eb-event-patterns-content-based-filtering.html; summary table and sections)
 * - PATTERNS: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 *   (matching values in arrays, null values and empty strings)
 */
const examples: DocumentedExample[] = [
  // ---- OPERATORS: the summary table's other rows ----
  {
    source: 'OPERATORS And (summary table)',
    name: 'Location is "New York" and Day is "Monday"',
    pattern: { Location: ['New York'], Day: ['Monday'] },
    matches: [{ Location: 'New York', Day: 'Monday' }],
    misses: [{ Location: 'New York', Day: 'Tuesday' }, { Location: 'New York' }],
  },
  {
    source: 'OPERATORS Begins with (summary table)',
    name: 'Region is in the US',
    pattern: { Region: [{ prefix: 'us-' }] },
    matches: [{ Region: 'us-west-2' }],
    misses: [{ Region: 'eu-west-1' }, { Region: 'US-west-2' }, { Region: 'xus-west-2' }],
  },
  {
    source: 'OPERATORS Begins with (ignore case); Prefix matching while ignoring case',
    name: 'service starting with eventb in any case',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    matches: [{ detail: { service: 'EventBridge' } }, { detail: { service: 'EVENTBRIDGE' } }, { detail: { service: 'eventb' } }],
    misses: [{ detail: { service: 'Event Bridge' } }, { detail: { service: 'Even' } }, { detail: { service: 'AmazonEventBridge' } }],
  },
  {
    source: 'OPERATORS Empty (summary table); PATTERNS Null values and empty strings',
    name: 'LastName is empty',
    pattern: { LastName: [''] },
    matches: [{ LastName: '' }],
    misses: [{ LastName: null }, {}, { LastName: ' ' }],
  },
  {
    source: 'OPERATORS Equals (summary table)',
    name: 'Name is "Alice"',
    pattern: { Name: ['Alice'] },
    matches: [{ Name: 'Alice' }, { Name: ['Bob', 'Alice'] }],
    misses: [{ Name: 'alice' }, { Name: 'Alice ' }],
  },
  {
    source: 'OPERATORS Equals (ignore case) (summary table)',
    name: 'Name is "Alice" in any case',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    matches: [{ Name: 'Alice' }, { Name: 'ALICE' }],
    misses: [{ Name: 'Alicia' }],
  },
  {
    source: 'OPERATORS Equals-ignore-case matching',
    name: 'detail-type equal ignoring case',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    matches: [rulerEvent],
    misses: [{ ...rulerEvent, 'detail-type': 'EC2 Instance State Change Notification' }],
  },
  {
    source: 'OPERATORS Ends with; Suffix matching',
    name: 'FileName ending with .png',
    pattern: { FileName: [{ suffix: '.png' }] },
    matches: [{ FileName: 'image.png' }, { FileName: '.png' }],
    misses: [{ FileName: 'image.PNG' }, { FileName: 'png' }, { FileName: 'image.png.bak' }],
  },
  {
    source: 'OPERATORS Ends with (ignore case); Suffix matching while ignoring case',
    name: 'FileName ending with .png in any case',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    matches: [{ detail: { FileName: 'image.PNG' } }, { detail: { FileName: 'image.Png' } }],
    misses: [{ detail: { FileName: 'image.jpg' } }, { detail: { FileName: 'image.PNG.txt' } }],
  },
  {
    source: 'OPERATORS Ends with (ignore case) (summary table)',
    name: 'service name ending with tbridge in any case',
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
    matches: [{ service: 'EventBridge' }, { service: 'EVENTBRIDGE' }],
    misses: [{ service: 'EventBus' }],
  },
  {
    source: 'OPERATORS Exists / Does not exist (summary table)',
    name: 'ProductName exists',
    pattern: { ProductName: [{ exists: true }] },
    matches: [{ ProductName: 'x' }, { ProductName: '' }],
    misses: [{}, { ProductName: { nested: 1 } }],
  },
  {
    source: 'OPERATORS Does not exist (summary table)',
    name: 'ProductName does not exist',
    pattern: { ProductName: [{ exists: false }] },
    matches: [{}, { Other: 1 }],
    misses: [{ ProductName: 'x' }, { ProductName: null }],
  },
  {
    source: 'OPERATORS Not (summary table)',
    name: 'Weather is anything but "Raining"',
    pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
    matches: [{ Weather: 'Sunny' }],
    misses: [{ Weather: 'Raining' }],
  },
  {
    source: 'OPERATORS Null (summary table); PATTERNS Null values and empty strings',
    name: 'UserID is null',
    pattern: { UserID: [null] },
    matches: [{ UserID: null }],
    misses: [{ UserID: '' }, {}, { UserID: 'null' }],
  },
  {
    source: 'OPERATORS Wildcard (summary table)',
    name: 'a file in dir with .png',
    pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
    matches: [{ FileName: 'dir/image.png' }, { FileName: 'dir/sub/image.png' }],
    misses: [{ FileName: 'other/image.png' }, { FileName: 'dir/image.png.bak' }],
  },
  {
    source: 'OPERATORS Wildcard matching (EventBusArn)',
    name: 'an event bus ARN in us-east-1 of any account',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    matches: [{ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/records' }],
    misses: [{ EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/records' }],
  },
  // ---- PATTERNS: arrays and null ----
  {
    source: 'PATTERNS Matching values in arrays',
    name: 'any of the pattern values in the event array',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    matches: [{ resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-2:123456789012:instance/i-b188560f'] }],
    misses: [{ resources: ['arn:aws:ec2:us-east-2:123456789012:instance/i-b188560f'] }, { resources: [] }],
  },
  {
    source: 'PATTERNS Null values and empty strings',
    name: 'responseElements null and eventVersion empty are not interchangeable',
    pattern: { detail: { eventVersion: [''], responseElements: [null] } },
    matches: [{ source: 'aws.autoscaling', detail: { eventVersion: '', responseElements: null } }],
    misses: [{ detail: { eventVersion: null, responseElements: null } }, { detail: { eventVersion: '', responseElements: '' } }],
  },
];

describeDocumentedExamples(examples);
