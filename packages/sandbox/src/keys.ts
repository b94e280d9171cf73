import type { SandboxKeys } from './types.js';

/** The two seeded organizations; every resource belongs to one. */
export type OrganizationId = 'org_acme' | 'org_globex';

/** What a key may do: the sandbox has one read-write and one read-only role. */
export type Role = 'admin' | 'readonly';

/** A key the sandbox knows about. */
export interface ApiKeyRecord {
  key: string;
  organization: OrganizationId;
  role: Role;
  revoked: boolean;
}

/** The seeded keys, by situation. */
export const SANDBOX_KEYS: SandboxKeys = {
  admin: 'avk_sandbox_admin',
  readonly: 'avk_sandbox_readonly',
  otherOrg: 'avk_sandbox_other_org',
  revoked: 'avk_sandbox_revoked',
};

const records: readonly ApiKeyRecord[] = [
  { key: SANDBOX_KEYS.admin, organization: 'org_acme', role: 'admin', revoked: false },
  { key: SANDBOX_KEYS.readonly, organization: 'org_acme', role: 'readonly', revoked: false },
  { key: SANDBOX_KEYS.otherOrg, organization: 'org_globex', role: 'admin', revoked: false },
  { key: SANDBOX_KEYS.revoked, organization: 'org_acme', role: 'admin', revoked: true },
];

/** Looks a key up; `undefined` when the sandbox never issued it. */
export function findKey(key: string): ApiKeyRecord | undefined {
  return records.find((record) => record.key === key);
}
