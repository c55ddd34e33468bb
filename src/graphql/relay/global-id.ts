import { userInputError } from '../errors.js';

/** Relay global ids: base64url of `Type:scope:localId`, opaque to clients. */
export interface GlobalId {
  type: string;
  scope: string;
  localId: string;
}

export function toGlobalId({ type, scope, localId }: GlobalId): string {
  return Buffer.from(`${type}:${scope}:${localId}`, 'utf8').toString('base64url');
}

/** Decodes a global id; a malformed one is a BAD_USER_INPUT error. */
export function fromGlobalId(id: string): GlobalId {
  const decoded = /^[A-Za-z0-9_-]{1,2048}$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8') : '';
  const match = /^([A-Za-z]+):([^:]+):(.+)$/s.exec(decoded);
  if (!match || toGlobalId({ type: match[1]!, scope: match[2]!, localId: match[3]! }) !== id) {
    throw userInputError('Malformed global id: pass an `id` returned by this API.', { argument: 'id' });
  }
  return { type: match[1]!, scope: match[2]!, localId: match[3]! };
}
