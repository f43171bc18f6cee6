import { BULK_THROTTLE } from '../http/route-throttles.js';
import { apiKeysTable } from '../api-keys/api-keys.table.js';
import { revocationsTable } from '../auth/revocations.table.js';
import { type FunctionDeclaration, NO_STORE } from '../entity/entity-functions.js';

const ADMIN_BASE = '/api/v1/admin';

/** Administration: API keys, token revocation, the cache, request metrics and feature flags. Admin only, never cached. */
export const adminFunctions: FunctionDeclaration[] = [
  {
    id: 'admin-api-keys-create',
    entry: 'functions/admin/api-keys-create.ts',
    description: 'Creates an API key; its secret is shown once',
    routes: [{ method: 'POST', path: `${ADMIN_BASE}/api-keys` }],
    permission: 'admin',
    tables: [{ table: apiKeysTable.id, actions: ['PutItem'] }],
    cacheControl: NO_STORE,
  },
  {
    id: 'admin-api-keys-list',
    entry: 'functions/admin/api-keys-list.ts',
    description: 'Lists API keys without secrets or hashes',
    routes: [{ method: 'GET', path: `${ADMIN_BASE}/api-keys` }],
    permission: 'admin',
    tables: [{ table: apiKeysTable.id, actions: ['Scan'] }],
    cacheControl: NO_STORE,
  },
  {
    id: 'admin-api-keys-delete',
    entry: 'functions/admin/api-keys-delete.ts',
    description: 'Revokes an API key',
    routes: [{ method: 'DELETE', path: `${ADMIN_BASE}/api-keys/{key_id}` }],
    permission: 'admin',
    tables: [
      { table: apiKeysTable.id, actions: ['DeleteItem'] },
      { table: revocationsTable.id, actions: ['PutItem'] },
    ],
    revocationList: true,
    cacheControl: NO_STORE,
  },
  {
    id: 'admin-tokens-revoke',
    entry: 'functions/admin/tokens-revoke.ts',
    description: 'Revokes a token by its jti until it expires',
    routes: [{ method: 'POST', path: `${ADMIN_BASE}/tokens/revoke` }],
    permission: 'admin',
    tables: [{ table: revocationsTable.id, actions: ['PutItem'] }],
    revocationList: true,
    cacheControl: NO_STORE,
  },
  // Cache and metrics operations use Redis (REDIS_URL), no table.
  {
    id: 'admin-cache-stats',
    entry: 'functions/admin/cache-stats.ts',
    description: 'Cache hits, misses, sizes and evictions over every container',
    routes: [{ method: 'GET', path: `${ADMIN_BASE}/cache/stats` }],
    permission: 'admin',
    tables: [],
    cacheControl: NO_STORE,
  },
  {
    id: 'admin-cache-clear',
    entry: 'functions/admin/cache-clear.ts',
    description: 'Drops every cached entry',
    routes: [{ method: 'POST', path: `${ADMIN_BASE}/cache/clear` }],
    permission: 'admin',
    tables: [],
    cacheControl: NO_STORE,
    throttle: BULK_THROTTLE,
  },
  {
    id: 'admin-cache-invalidate',
    entry: 'functions/admin/cache-invalidate.ts',
    description: 'Drops the cached entries matching a pattern',
    routes: [{ method: 'POST', path: `${ADMIN_BASE}/cache/invalidate` }],
    permission: 'admin',
    tables: [],
    cacheControl: NO_STORE,
  },
  {
    id: 'admin-metrics',
    entry: 'functions/admin/metrics.ts',
    description: 'Request counts, errors and latency per route, cache and import statistics',
    routes: [{ method: 'GET', path: `${ADMIN_BASE}/metrics` }],
    permission: 'admin',
    tables: [],
    cacheControl: NO_STORE,
  },
  // Feature flags: rules from AppConfig (FLAGS_APPCONFIG_*) or the local flags file, no table.
  {
    id: 'admin-flags-list',
    entry: 'functions/admin/flags-list.ts',
    description: 'Lists the declared feature flags with their live rules and where they came from',
    routes: [{ method: 'GET', path: `${ADMIN_BASE}/flags` }],
    permission: 'admin',
    tables: [],
    featureFlags: true,
    cacheControl: NO_STORE,
  },
  {
    id: 'admin-notifications-list',
    entry: 'functions/admin/notifications-list.ts',
    description: 'Lists the newest notifications of the local outbox',
    routes: [{ method: 'GET', path: `${ADMIN_BASE}/notifications` }],
    permission: 'admin',
    tables: [],
    cacheControl: NO_STORE,
  },
  {
    id: 'flags-evaluate',
    entry: 'functions/flags/evaluate.ts',
    description: 'Evaluates every feature flag for one user',
    routes: [{ method: 'GET', path: '/api/v1/flags/evaluate' }],
    permission: 'admin',
    tables: [],
    featureFlags: true,
    cacheControl: NO_STORE,
  },
];
