import { type DocumentedExample, describeDocumentedExamples, rulerEvent, withDetail } from './pattern-matcher.docs-examples.js';

/**
 * Every example of the event-ruler README, each pattern with events it must and must not match
 * (the EventBridge user guide's are in pattern-matcher.eventbridge.docs.test.ts).
 *
 * Source: RULER: https://github.com/aws/event-ruler/blob/main/README.md ("Ruler by Example",
 * "And and Or", "JSON Array Matching")
 */
const only = (fields: Record<string, unknown>) => fields;

const examples: DocumentedExample[] = [
  // ---- RULER: Ruler by Example ----
  {
    source: 'RULER Simple matching',
    name: 'detail-type, resources (array intersection) and one of two states',
    pattern: {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    },
    matches: [rulerEvent, withDetail({ state: 'initializing' }), { ...rulerEvent, resources: ['arn:other', rulerEvent.resources[0]] }],
    misses: [withDetail({ state: 'stopped' }), { ...rulerEvent, resources: ['arn:other'] }, { ...rulerEvent, 'detail-type': 'Other' }],
  },
  {
    source: 'RULER Prefix matching; OPERATORS Prefix matching',
    name: 'time starting with 2017-10-02',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    matches: [rulerEvent, { time: '2017-10-02T18:43:48Z' }],
    misses: [{ time: '2017-10-03T00:00:00Z' }, { time: 'T2017-10-02' }, { time: 20171002 }, {}],
  },
  {
    source: 'RULER Suffix matching',
    name: 'source ending with ec2',
    pattern: { source: [{ suffix: 'ec2' }] },
    matches: [rulerEvent, { source: 'my.ec2' }],
    misses: [{ source: 'aws.EC2' }, { source: 'aws.s3' }, { source: 'ec2.aws' }],
  },
  {
    source: 'RULER Equals-ignore-case matching',
    name: 'source equal to EC2 in any case',
    pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
    matches: [{ source: 'ec2' }, { source: 'Ec2' }, { source: 'EC2' }],
    misses: [rulerEvent, { source: 'ec2x' }],
  },
  {
    source: 'RULER Wildcard matching',
    name: 'Simple*Service',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    matches: [{ source: 'SimpleService' }, { source: 'SimpleQueueService' }, { source: 'SimpleNotificationService' }],
    misses: [{ source: 'simplequeueservice' }, { source: 'SimpleQueueServices' }, rulerEvent],
  },
  {
    source: 'RULER Wildcard matching (escaping)',
    name: 'an escaped star is a literal star, two backslashes a backslash',
    pattern: { name: [{ wildcard: 'a\\*b*\\\\' }] },
    matches: [{ name: 'a*b\\' }, { name: 'a*bcd\\' }],
    misses: [{ name: 'axb\\' }, { name: 'a*b' }],
  },
  {
    source: 'RULER Anything-but matching; OPERATORS Anything-but matching',
    name: 'single string',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    matches: [rulerEvent, withDetail({ state: 'stopped' })],
    misses: [withDetail({ state: 'initializing' }), { ...rulerEvent, detail: {} }],
  },
  {
    source: 'RULER Anything-but matching; OPERATORS Anything-but matching',
    name: 'single number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    matches: [rulerEvent, withDetail({ 'x-limit': 124 })],
    misses: [withDetail({ 'x-limit': 123 }), withDetail({ 'x-limit': 123.0 })],
  },
  {
    source: 'RULER Anything-but list (strings); OPERATORS Anything-but matching',
    name: 'list of strings',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    matches: [rulerEvent, withDetail({ state: 'initializing' })],
    misses: [withDetail({ state: 'stopped' }), withDetail({ state: 'overloaded' })],
  },
  {
    source: 'RULER Anything-but list (numbers); OPERATORS Anything-but matching',
    name: 'list of numbers',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    matches: [rulerEvent, withDetail({ 'x-limit': 250 })],
    misses: [withDetail({ 'x-limit': 200 }), withDetail({ 'x-limit': 3e2 })],
  },
  {
    source: 'RULER Anything-but prefix; OPERATORS Anything-but (begins with)',
    name: 'state not starting with init',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    matches: [rulerEvent, withDetail({ state: 'stopped' })],
    misses: [withDetail({ state: 'initializing' }), withDetail({ state: 'init' })],
  },
  {
    source: 'OPERATORS Anything-but (begins with), summary table',
    name: 'Region not in the US',
    pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    matches: [{ Region: 'eu-west-1' }, { Region: 'ap-south-1' }, { Region: 'eu-us-1' }],
    misses: [{ Region: 'us-east-1' }, {}],
  },
  {
    source: 'OPERATORS Anything-but (ends with)',
    name: 'FileName not ending with .png',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    matches: [{ FileName: 'image.jpg' }, { FileName: 'image.PNG' }, { FileName: 'image.png.bak' }],
    misses: [{ FileName: 'image.png' }],
  },
  {
    source: 'OPERATORS Anything-but suffix matching (list)',
    name: 'FileName ending neither with .txt nor .rtf',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: ['.txt', '.rtf'] } }] } },
    matches: [{ detail: { FileName: 'notes.md' } }],
    misses: [{ detail: { FileName: 'notes.txt' } }, { detail: { FileName: 'letter.rtf' } }],
  },
  {
    source: 'OPERATORS Anything-but (ignore case)',
    name: 'state any value besides initializing in any case',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    matches: [rulerEvent],
    misses: [withDetail({ state: 'initializing' }), withDetail({ state: 'INITIALIZING' }), withDetail({ state: 'Initializing' })],
  },
  {
    source: 'OPERATORS Anything-but matching while ignoring case (list)',
    name: 'state none of initializing, stopped in any case',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } },
    matches: [rulerEvent, withDetail({ state: 'pending' })],
    misses: [withDetail({ state: 'STOPPED' }), withDetail({ state: 'Initializing' })],
  },
  {
    source: 'OPERATORS Anything-but using a wildcard',
    name: 'FilePath not including /lib/',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    matches: [{ FilePath: '/usr/bin/tool' }, { FilePath: 'lib/x' }],
    misses: [{ FilePath: '/usr/lib/tool' }, { FilePath: '/lib/' }],
  },
  {
    source: 'OPERATORS Anything-but matching using wildcards (list)',
    name: 'FilePath including neither /lib/ nor /bin/',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    matches: [{ detail: { FilePath: '/usr/share/doc' } }],
    misses: [{ detail: { FilePath: '/usr/lib/x' } }, { detail: { FilePath: '/usr/bin/x' } }],
  },
  {
    source: 'RULER Numeric matching; OPERATORS Numeric matching',
    name: 'c-count in (0, 5], d-count < 10, x-limit = 3.018e2',
    pattern: {
      detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    },
    matches: [rulerEvent, withDetail({ 'c-count': 0.000001 })],
    misses: [
      withDetail({ 'c-count': 0 }),
      withDetail({ 'c-count': 5.000001 }),
      withDetail({ 'd-count': 10 }),
      withDetail({ 'x-limit': 301.80001 }),
      withDetail({ 'c-count': '5' }),
    ],
  },
  {
    source: 'OPERATORS Numeric (equals), summary table',
    name: 'Price is 100',
    pattern: { Price: [{ numeric: ['=', 100] }] },
    matches: [{ Price: 100 }, { Price: 100.0 }, { Price: 1e2 }],
    misses: [{ Price: 100.5 }, { Price: '100' }],
  },
  {
    source: 'OPERATORS Numeric (range), summary table',
    name: 'Price is more than 10, and less than or equal to 20',
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    matches: [{ Price: 10.5 }, { Price: 20 }],
    misses: [{ Price: 10 }, { Price: 20.5 }],
  },
  {
    source: 'RULER IP Address Matching; OPERATORS IP address matching',
    name: 'IPv4 in 10.0.0.0/24',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    matches: [rulerEvent, withDetail({ 'source-ip': '10.0.0.255' }), withDetail({ 'source-ip': '10.0.0.0' })],
    misses: [withDetail({ 'source-ip': '10.0.1.1' }), withDetail({ 'source-ip': 'not-an-ip' }), withDetail({ 'source-ip': 167772193 })],
  },
  {
    source: 'OPERATORS IP address matching (sourceIPAddress)',
    name: 'sourceIPAddress in 10.0.0.0/24',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    matches: [{ detail: { sourceIPAddress: '10.0.0.24' } }],
    misses: [{ detail: { sourceIPAddress: '10.0.10.24' } }],
  },
  {
    source: 'RULER IP Address Matching ("This also works with IPv6 addresses"); OPERATORS IP address matching',
    name: 'IPv6 in 2001:db8::/32',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    matches: [{ detail: { sourceIPAddress: '2001:db8::1' } }, { detail: { sourceIPAddress: '2001:0DB8:ffff:0:0:0:0:1' } }],
    misses: [{ detail: { sourceIPAddress: '2001:db9::1' } }, { detail: { sourceIPAddress: '10.0.0.1' } }],
  },
  {
    source: 'RULER Exists matching; OPERATORS Exists matching',
    name: 'detail.c-count present',
    pattern: { detail: { 'c-count': [{ exists: true }] } },
    matches: [rulerEvent, withDetail({ 'c-count': null })],
    misses: [{ ...rulerEvent, detail: { state: 'running' } }, withDetail({ 'c-count': { c1: 100 } })],
  },
  {
    source: 'RULER Exists matching; OPERATORS Exists matching',
    name: 'detail.c-count absent, also when it is not a leaf',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    matches: [
      {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
        detail: { state: ['initializing', 'running'] },
      },
      {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
        detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } },
      },
    ],
    misses: [rulerEvent],
  },
  {
    source: 'RULER Complex example; OPERATORS Complex example with multiple matching',
    name: 'prefix, anything-but, numeric and cidr together',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    },
    matches: [rulerEvent],
    misses: [
      withDetail({ state: 'initializing' }),
      withDetail({ 'x-limit': 200 }),
      withDetail({ 'source-ip': '11.0.0.1' }),
      { ...rulerEvent, time: '2017-10-03T00:00:00Z' },
    ],
  },
  // ---- RULER: And and Or ----
  {
    source: 'RULER "$or" Normal "Or"',
    name: 'source && (metricName || namespace)',
    pattern: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    matches: [only({ source: 'aws.cloudwatch', metricName: 'ReadLatency' }), only({ source: 'aws.cloudwatch', namespace: 'AWS/ES' })],
    misses: [only({ source: 'aws.cloudwatch', metricName: 'Other' }), only({ source: 'aws.ec2', metricName: 'CPUUtilization' })],
  },
  {
    source: 'RULER "$or" Parallel "Or"',
    name: '(metricName || namespace) && (detail.source || detail.detail-type)',
    pattern: {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    matches: [
      only({ namespace: 'AWS/EC2', detail: { source: 'aws.cloudwatch' } }),
      only({ metricName: 'CPUUtilization', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }),
    ],
    misses: [only({ namespace: 'AWS/EC2', detail: { source: 'aws.s3' } }), only({ detail: { source: 'aws.cloudwatch' } })],
  },
  {
    source: 'RULER "$or" "Or" has an "And" inside',
    name: 'source && (metricName || (metricType && namespace) || scope)',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }, { scope: ['Service'] }],
    },
    matches: [only({ source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' }), only({ source: 'aws.cloudwatch', scope: 'Service' })],
    misses: [only({ source: 'aws.cloudwatch', metricType: 'MetricType' }), only({ source: 'aws.cloudwatch', namespace: 'AWS/ES' })],
  },
  {
    source: 'RULER "$or" Nested "Or" and "And"',
    name: 'source && (metricName || (metricType && namespace && (metricId || spaceId)) || scope)',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    },
    matches: [
      only({ source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }),
      only({ source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', metricId: 1234 }),
    ],
    misses: [only({ source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' }), only({ source: 'aws.cloudwatch', metricId: 1234 })],
  },
  {
    source: 'OPERATORS Or (summary table); OPERATORS Complex example with $or matching',
    name: 'any of three numeric conditions under detail',
    pattern: {
      detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] },
    },
    matches: [{ detail: { 'c-count': 3 } }, { detail: { 'd-count': 9 } }, { detail: { 'x-limit': 301.8 } }],
    misses: [{ detail: { 'c-count': 6, 'd-count': 10, 'x-limit': 1 } }, { detail: {} }],
  },
  {
    source: 'OPERATORS Or (summary table)',
    name: 'Location is "New York", or Day is "Monday"',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    matches: [
      { Location: 'New York', Day: 'Sunday' },
      { Location: 'Paris', Day: 'Monday' },
    ],
    misses: [{ Location: 'Paris', Day: 'Sunday' }, {}],
  },
  {
    source: 'OPERATORS (earlier revision, content-filtering-with-event-patterns.html) Prefix Matching Example',
    name: 'Auto Scaling events from European regions',
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    matches: [{ source: 'aws.autoscaling', region: 'eu-west-1' }],
    misses: [
      { source: 'aws.autoscaling', region: 'us-east-1' },
      { source: 'aws.ec2', region: 'eu-west-1' },
    ],
  },
  // ---- RULER: JSON Array Matching ----
  {
    source: 'RULER JSON Array Matching',
    name: 'a field of objects inside an array',
    pattern: { employees: { firstName: ['Anna'] } },
    matches: [
      {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
          { firstName: 'Peter', lastName: 'Jones' },
        ],
      },
      {
        employees: [
          [
            { firstName: 'John', lastName: 'Doe' },
            { firstName: 'Anna', lastName: 'Smith' },
          ],
          [{ firstName: 'Peter', lastName: 'Jones' }],
        ],
      },
    ],
    misses: [{ employees: [{ firstName: 'John' }] }],
  },
  {
    source: 'RULER JSON Array Matching (rulesForJSONEvent array consistency)',
    name: 'two fields must come from the same array element',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    matches: [{ employees: [{ firstName: 'Anna', lastName: 'Jones' }] }],
    misses: [
      {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
          { firstName: 'Peter', lastName: 'Jones' },
        ],
      },
      {
        employees: [
          [
            { firstName: 'John', lastName: 'Doe' },
            { firstName: 'Anna', lastName: 'Smith' },
          ],
          [{ firstName: 'Peter', lastName: 'Jones' }],
        ],
      },
    ],
  },
];

describeDocumentedExamples(examples);
