import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/app-error.js';
import { CursorCodec, type CursorPayload } from './cursor-codec.js';

const SECRET = 's'.repeat(32);
const codec = new CursorCodec(SECRET);
const payload: CursorPayload = {
  e: 'students',
  q: { sort: '-average_score', page_size: 7, hometown: 'hà nội', search: 'an' },
  k: { pk: 'S001', _all: 'all', _s_average_score: '000000000000833' },
  p: 2,
};

/** A cursor signed with SECRET over any body, to reach the checks after the signature. */
const signed = (body: unknown) => {
  const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${encoded}.${createHmac('sha256', SECRET).update(encoded).digest('base64url')}`;
};
const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

function expectInvalid(decode: () => unknown, message?: RegExp) {
  let caught: unknown;
  try {
    decode();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  const error = caught as ValidationError;
  expect(error.errors).toEqual([{ loc: ['query', 'cursor'], msg: expect.any(String), type: 'cursor_invalid' }]);
  if (message) expect(error.message).toMatch(message);
}

describe('CursorCodec', () => {
  it('round-trips a payload', () => {
    expect(codec.decode(codec.encode(payload), 'students')).toEqual(payload);
  });

  it('is opaque, URL-safe and deterministic', () => {
    const cursor = codec.encode(payload);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('average_score');
    expect(codec.encode(payload)).toBe(cursor);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new CursorCodec('short')).toThrow(/32/);
  });

  it.each([0, 5, 10])('refuses a body tampered at %i', (at) => {
    expectInvalid(() => codec.decode(flip(codec.encode(payload), at), 'students'), /malformed|not issued/);
  });

  it('refuses an edited payload that keeps the old signature', () => {
    const [, mac] = codec.encode(payload).split('.');
    const edited = Buffer.from(JSON.stringify({ ...payload, p: 9 })).toString('base64url');
    expectInvalid(() => codec.decode(`${edited}.${mac}`, 'students'));
  });

  it.each([
    ['last character', (cursor: string) => flip(cursor, cursor.length - 1)],
    ['first character', (cursor: string) => flip(cursor, cursor.indexOf('.') + 1)],
    ['truncation', (cursor: string) => cursor.slice(0, -2)],
    ['extension', (cursor: string) => `${cursor}AA`],
  ])('refuses a signature tampered by %s', (_label, tamper) => {
    expectInvalid(() => codec.decode(tamper(codec.encode(payload)), 'students'));
  });

  it('refuses a cursor signed with another secret', () => {
    const foreign = new CursorCodec('x'.repeat(40)).encode(payload);
    expectInvalid(() => codec.decode(foreign, 'students'));
    expect(new CursorCodec('x'.repeat(40)).decode(foreign, 'students')).toEqual(payload);
  });

  it('refuses a cursor of another entity', () => {
    expectInvalid(() => codec.decode(codec.encode(payload), 'teachers'), /another collection/);
  });

  it.each(['', '.', 'abc', 'abc.', '.abc', 'a.b.c', 'not a cursor at all', '%%%.%%%', '\u0000.\u0000'])('refuses garbage %j', (garbage) => {
    expectInvalid(() => codec.decode(garbage, 'students'));
  });

  it.each([
    ['not JSON', 'not json'],
    ['a JSON string', 'cursor'],
    ['an empty object', {}],
    ['a page below 2', { ...payload, p: 1 }],
    ['a fractional page', { ...payload, p: 2.5 }],
    ['a non-string key value', { ...payload, k: { pk: 1 } }],
    ['a nested query value', { ...payload, q: { sort: ['a'] } }],
  ])('refuses a correctly signed body that is %s', (_label, body) => {
    const cursor =
      typeof body === 'string' && body === 'not json'
        ? (() => {
            const encoded = Buffer.from('{not json').toString('base64url');
            return `${encoded}.${createHmac('sha256', SECRET).update(encoded).digest('base64url')}`;
          })()
        : signed(body);
    expectInvalid(() => codec.decode(cursor, 'students'));
  });
});
