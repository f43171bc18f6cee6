import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileFlagSource } from './file-flag-source.js';

let dir: string;
let file: string;
let clock: number;
let saves = 0;
const now = () => clock;

/** Writes the file with a distinct mtime, as an editor saving it a second later would. */
function write(content: string) {
  writeFileSync(file, content);
  const at = new Date(Date.now() + (saves += 1) * 1_000);
  utimesSync(file, at, at);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flags-'));
  file = path.join(dir, 'flags.json');
  clock = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fileFlagSource', () => {
  it('reads the rules and picks up an edit after the check interval', async () => {
    write(JSON.stringify({ push_notifications: { enabled: true, allow: ['u1'] } }));
    const source = fileFlagSource(file, { now });
    expect((await source.current()).document.push_notifications?.allow).toEqual(['u1']);
    write(JSON.stringify({ push_notifications: { enabled: false } }));
    expect((await source.current()).document.push_notifications?.enabled).toBe(true); // same second: not checked yet
    clock += 1_000;
    const edited = await source.current();
    expect(edited.document.push_notifications).toEqual({ enabled: false, allow: [], deny: [], roles: [] });
    expect(edited.error).toBeUndefined();
    expect(edited.source).toBe(`file:${file}`);
  });

  it('keeps the last good rules when the file becomes invalid JSON, and says why', async () => {
    write(JSON.stringify({ sms_for_important: { enabled: true, percentage: 10 } }));
    const source = fileFlagSource(file, { now });
    await source.current();
    write('{ "sms_for_important": { "enabled": tru');
    clock += 1_000;
    const snapshot = await source.current();
    expect(snapshot.document.sms_for_important?.percentage).toBe(10);
    expect(snapshot.error).toMatch(/^not JSON/);
  });

  it('keeps the last good rules when the document breaks the schema, naming the bad path', async () => {
    write(JSON.stringify({ sms_for_important: { enabled: true, percentage: 10 } }));
    const source = fileFlagSource(file, { now });
    await source.current();
    write(JSON.stringify({ sms_for_important: { enabled: true, percentage: 150 } }));
    clock += 1_000;
    const snapshot = await source.current();
    expect(snapshot.document.sms_for_important?.percentage).toBe(10);
    expect(snapshot.error).toContain('sms_for_important.percentage');
  });

  it('lets concurrent first callers wait for the read instead of answering without rules', async () => {
    write(JSON.stringify({ push_notifications: { enabled: true } }));
    const source = fileFlagSource(file, { now });
    const snapshots = await Promise.all([source.current(), source.current(), source.current()]);
    expect(snapshots.map((snapshot) => snapshot.document.push_notifications?.enabled)).toEqual([true, true, true]);
  });

  it('answers declared defaults (no rules) when the file is missing', async () => {
    const snapshot = await fileFlagSource(path.join(dir, 'absent.json'), { now }).current();
    expect(snapshot.document).toEqual({});
    expect(snapshot.error).toMatch(/not found/);
  });
});
