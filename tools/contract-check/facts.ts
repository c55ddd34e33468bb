/**
 * What a probe observes on one target: named facts, each a short normalized value that can be
 * compared with the other target's (never raw data: the two hold different images), or `unknown`
 * when this target's data cannot tell (no ties among its rows, a key it never sent).
 */
export type Fact =
  | {
      name: string;
      value: string;
      /** Shown when the fact differs, never compared (a message's wording, the ids involved). */
      detail?: string;
    }
  | { name: string; unknown: string };

export function fact(name: string, value: string, detail?: string): Fact {
  return detail === undefined ? { name, value } : { name, value, detail };
}

export function unknown(name: string, why: string): Fact {
  return { name, unknown: why };
}

export function isKnown(f: Fact): f is Extract<Fact, { value: string }> {
  return 'value' in f;
}
