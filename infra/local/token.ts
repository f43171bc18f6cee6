import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../../shared/auth/role.js';
import { loadLocalIdentity, mintLocalToken, parseDuration } from './local-identity.js';

/**
 * `npm run token -- --role admin|staff|viewer [--sub id] [--ttl 1h]`: prints a JWT signed by
 * the local identity provider (`.local/auth/`), accepted by `npm start`'s API.
 */
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'admin' },
    sub: { type: 'string' },
    ttl: { type: 'string', default: '1h' },
  },
});

if (!(ROLES as readonly string[]).includes(values.role)) {
  console.error(`--role must be one of ${ROLES.join(', ')}`);
  process.exit(2);
}
const role = values.role as Role;
const identity = await loadLocalIdentity();
const token = await mintLocalToken(identity, { role, sub: values.sub ?? `local-${role}`, ttlSeconds: parseDuration(values.ttl) });
process.stdout.write(`${token}\n`);
