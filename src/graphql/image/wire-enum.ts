import { registerEnumType } from 'type-graphql';

/** Descriptions of an enum's values, by value (`UNKNOWN` has its own). */
export type ValueDescriptions<E extends string> = Partial<Readonly<Record<Exclude<E, 'UNKNOWN'>, string>>>;

/**
 * A GraphQL enum's mapping to the upstream's wire strings. Every such enum has `UNKNOWN`: a wire
 * value the table does not know reads as `UNKNOWN` (the image's `raw` keeps the original).
 */
export class WireEnum<E extends string> {
  private readonly byWire: ReadonlyMap<string, E>;

  constructor(
    private readonly toWireTable: Readonly<Record<Exclude<E, 'UNKNOWN'>, string>>,
    private readonly unknown: E,
  ) {
    this.byWire = new Map(Object.entries(toWireTable).map(([value, wire]) => [wire as string, value as E]));
  }

  fromWire(value: unknown): E {
    return typeof value === 'string' ? (this.byWire.get(value) ?? this.unknown) : this.unknown;
  }

  /** The wire string of a known value (`UNKNOWN` has none, and no input enum has it). */
  toWire(value: Exclude<E, 'UNKNOWN'>): string {
    return this.toWireTable[value];
  }
}

/** type-graphql's `valuesConfig` for these values, from the descriptions that exist. */
function valuesConfig<K extends string>(values: readonly K[], descriptions: Readonly<Partial<Record<string, string>>>): Partial<Record<K, { description: string }>> {
  const config: Partial<Record<K, { description: string }>> = {};
  for (const value of values) {
    const description = descriptions[value];
    if (description !== undefined) config[value] = { description };
  }
  return config;
}

/** Registers a GraphQL output enum that has `UNKNOWN` and returns its wire mapping. */
export function registerWireEnum<E extends string>(
  enumObject: { UNKNOWN: E } & Record<string, E>,
  name: string,
  description: string,
  toWire: Readonly<Record<Exclude<E, 'UNKNOWN'>, string>>,
  values: ValueDescriptions<E> = {},
): WireEnum<E> {
  registerEnumType(enumObject, {
    name,
    description,
    valuesConfig: { ...valuesConfig(Object.keys(values), values), UNKNOWN: { description: "A value this API does not know yet; the image's `raw` keeps the original." } },
  });
  return new WireEnum(toWire, enumObject.UNKNOWN);
}

/**
 * Registers the input enum of a filter on a wire enum: the output enum's values the upstream
 * filters on, with the same names (a client can pass a value it read back as a filter) and the
 * same values (so the wire mapping is the output enum's), never `UNKNOWN`. A value left out is
 * refused by GraphQL validation, before any resolver runs, and by generated clients' types.
 */
export function registerFilterEnum<T extends Record<string, string>, const K extends Exclude<keyof T & string, 'UNKNOWN'>>(
  enumObject: T,
  accepted: readonly K[],
  name: string,
  description: string,
  values: Readonly<Partial<Record<string, string>>> = {},
): Readonly<Pick<T, K>> {
  const picked = Object.freeze(Object.fromEntries(accepted.map((key) => [key, enumObject[key]]))) as Readonly<Pick<T, K>>;
  registerEnumType(picked, { name, description, valuesConfig: valuesConfig(accepted, values) });
  return picked;
}
