/** An IPv4 (32 bits) or IPv6 (128 bits) address as an integer. */
export interface IpAddress {
  bits: 32 | 128;
  value: bigint;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted IPv4 or an RFC 4291 IPv6 literal (`::` and a trailing dotted quad allowed); null otherwise. */
export function parseIp(text: string): IpAddress | null {
  if (IPV4.test(text)) return { bits: 32, value: ipv4Value(text) };
  return parseIpv6(text);
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): IpAddress | null {
  if (!text.includes(':') || text.length > 45) return null;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // A trailing dotted quad (`::ffff:192.0.2.1`) stands for the last two groups.
    if (!IPV4.test(maybeV4)) return null;
    const v4 = ipv4Value(maybeV4);
    body = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if ([...head, ...rest].some((group) => !HEXTET.test(group))) return null;
  const given = head.length + rest.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const groups = [...head, ...Array<string>(8 - given).fill('0'), ...rest].map((group) => BigInt(`0x${group}`));
  return { bits: 128, value: groups.reduce((acc, group) => (acc << 16n) | group, 0n) };
}

/** The inclusive address range of a CIDR block; throws with the rule compiler's messages. */
export function cidrRange(cidr: string): { bits: 32 | 128; low: bigint; high: bigint } {
  const slashed = cidr.split('/');
  if (slashed.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  if (!/^-?\d+$/.test(slashed[1]!)) throw new Error('Malformed CIDR, mask bits must be an integer');
  const maskBits = Number(slashed[1]);
  if (maskBits < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  const ip = parseIp(slashed[0]!);
  if (!ip) throw new Error(`Nonstandard IP address: ${slashed[0]}`);
  // event-ruler's limits (a /32 or /128 block is written as the address itself).
  if (ip.bits === 32 && maskBits > 31) throw new Error('IPv4 mask bits must be < 32');
  if (ip.bits === 128 && maskBits > 127) throw new Error('IPv6 mask bits must be < 128');
  const hostBits = BigInt(ip.bits - maskBits);
  const hostMask = (1n << hostBits) - 1n;
  // Like event-ruler, the range starts at the address as written (not masked down).
  return { bits: ip.bits, low: ip.value, high: ip.value | hostMask };
}
