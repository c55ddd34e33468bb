import { DEMO_TENANTS, type Tenant } from '../../src/emulator/options.js';

/** The emulator's two demo tenants, as every spec calls them (their tokens are what callers send). */

const [alice, bob] = DEMO_TENANTS;
if (!alice || !bob) throw new Error('the specs need the two demo tenants');
export const ALICE: Tenant = alice;
export const BOB: Tenant = bob;
