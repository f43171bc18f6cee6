import { beforeAll, expect } from 'vitest';
import { sendJson, useRawAdminApi } from './raw-admin-api.js';

/** The collection the hostile-requests tests aim at (hostile-requests.test.ts, hostile-requests-tolerated.test.ts). */
export const BASE = '/api/v1/students';

/**
 * Registers the hooks of a hostile-requests test file: its own local API spoken to raw as admin
 * (`useRawAdminApi`), with the students the tests target (ids that look odd but are valid).
 */
export function useHostileTargets(): void {
  useRawAdminApi();
  beforeAll(async () => {
    for (const id of ['S0001', 'AB--12', 'S_001']) {
      const res = await sendJson('POST', BASE, { student_id: id, first_name: 'Hostile', last_name: 'Target' });
      expect(res.status, res.text).toBe(201);
    }
  });
}
