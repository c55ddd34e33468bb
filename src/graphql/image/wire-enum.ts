import { registerEnumType } from 'type-graphql';

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

  /** The wire string of a value; undefined for `UNKNOWN`, which has none. */
  toWire(value: E): string | undefined {
    return value === this.unknown ? undefined : this.toWireTable[value as Exclude<E, 'UNKNOWN'>];
  }
}

/** Registers a GraphQL enum that has `UNKNOWN` and returns its wire mapping. */
export function registerWireEnum<E extends string>(
  enumObject: { UNKNOWN: E } & Record<string, E>,
  name: string,
  description: string,
  toWire: Readonly<Record<Exclude<E, 'UNKNOWN'>, string>>,
): WireEnum<E> {
  registerEnumType(enumObject, {
    name,
    description,
    valuesConfig: { UNKNOWN: { description: "A value this API does not know yet; the image's `raw` keeps the original." } },
  });
  return new WireEnum(toWire, enumObject.UNKNOWN);
}
