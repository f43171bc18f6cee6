import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureContacts } from './fixture-contacts.js';

const fixture = (content: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'contacts-')), 'contacts.json');
  writeFileSync(file, content);
  return file;
};

describe('fixtureContacts (NOTIFICATIONS_CONTACTS_FILE)', () => {
  it('gives listed customers exactly their addresses and everyone else the synthetic ones', async () => {
    const contacts = fixtureContacts(fixture(JSON.stringify({ 'cus-mail-only': { email: 'ada@example.com' } })));
    expect(await contacts.contactOf('cus-mail-only')).toEqual({ email: 'ada@example.com' });
    expect(await contacts.contactOf('cus-other')).toEqual({ email: 'cus-other@customers.local', phone: '+000-cus-other', device: 'device-cus-other' });
  });

  it('fails setup with the reason when the file is not a contacts fixture', () => {
    expect(() => fixtureContacts(fixture(JSON.stringify({ 'cus-1': { email: 42 } })))).toThrow(/not a contacts fixture/);
  });
});
