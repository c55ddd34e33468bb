import { registeredWithGold, supportFlagFalse } from './probes/boolean-filters.js';
import { booleanEncodings, valueTypes } from './probes/encodings.js';
import { requiredKeys, undocumentedKeys } from './probes/keys.js';
import { defaultLimit, limitZero } from './probes/limits.js';
import type { Probe } from './probes/probe.js';
import { BAD_PARAMETERS, unknownRegion } from './probes/refusals.js';
import { defaultOrder, SORT_ORDERS, sortProbe } from './probes/sorting.js';

/**
 * The probes of `npm run contract-check` (probes/: one file per family, probe.ts says what a probe
 * is), each making a few read-only listing calls to one target and reducing what came back to
 * facts that hold whatever images the account has (orders, tie breaks, marker semantics, limits,
 * error codes, encodings, key names), so that the emulator and the real API can be compared
 * although their data differ.
 */

/** Every probe, in the order they run (later ones reuse the pages earlier ones fetched). */
export const PROBES: readonly Probe[] = [
  ...SORT_ORDERS.map(({ key, dir }) => sortProbe(key, dir)),
  defaultOrder,
  defaultLimit,
  limitZero,
  ...BAD_PARAMETERS,
  unknownRegion,
  registeredWithGold,
  supportFlagFalse,
  booleanEncodings,
  valueTypes,
  undocumentedKeys,
  requiredKeys,
];
