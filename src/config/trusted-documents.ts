import { z } from 'zod';
import type { TrustedDocumentsSettings } from '../apollo/trusted-documents.js';
import { ConfigError, readVariables, type Env } from './values.js';

/** Trusted documents: the manifest a frontend's build produced, and what becomes of documents it does not list (README, "Trusted documents"). */

const variables = {
  NODE_ENV: z.string().optional(),
  TRUSTED_DOCUMENTS: z.string().trim().min(1).optional(),
  TRUSTED_DOCUMENTS_MODE: z.enum(['enforce', 'allow', 'off'], { message: 'TRUSTED_DOCUMENTS_MODE must be enforce, allow or off' }).optional(),
};

export function trustedDocumentsSettings(env: Env): TrustedDocumentsSettings {
  const e = readVariables(env, variables);
  const manifest = e.TRUSTED_DOCUMENTS;
  // Production with a manifest runs only what it lists; anywhere else, documents it does not list run too (and are counted).
  const mode = e.TRUSTED_DOCUMENTS_MODE ?? (e.NODE_ENV === 'production' && manifest !== undefined ? 'enforce' : 'allow');
  if (mode === 'enforce' && manifest === undefined) {
    throw new ConfigError(['TRUSTED_DOCUMENTS_MODE=enforce needs TRUSTED_DOCUMENTS, the manifest of the documents that may run']);
  }
  // Off: the manifest is not read at all.
  return { mode, manifest: mode === 'off' ? undefined : manifest };
}
