import { readFile } from 'node:fs/promises';
import {
  assertEnumType,
  assertInputObjectType,
  assertObjectType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  lexicographicSortSchema,
  parse,
  printType,
  validate,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import { createSchema, printSortedSchema, printSubgraphSchema } from '../src/schema.js';

let schema: GraphQLSchema;
/** FEDERATION=true's schema. */
let subgraph: GraphQLSchema;
beforeAll(async () => {
  [schema, subgraph] = await Promise.all([createSchema(), createSchema({ federation: true })]);
});

describe('what graphql-jit may skip (src/apollo/jit-gateway.ts, disableLeafSerialization)', () => {
  it('every enum, in both schemas, has its names as its values: a value written without serializing is the name a client reads', () => {
    for (const each of [schema, subgraph]) {
      const enums = Object.values(each.getTypeMap()).filter(isEnumType).filter((type) => !type.name.startsWith('__'));
      expect(enums.length).toBeGreaterThan(5);
      for (const type of enums) for (const value of type.getValues()) expect([type.name, value.value]).toEqual([type.name, value.name]);
    }
  });
});

describe('schema/', () => {
  it('schema.graphql is exactly what the code emits (run `npm run schema:emit` after changing types)', async () => {
    const checkedIn = await readFile(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printSortedSchema(schema)).toBe(checkedIn);
  });

  it('subgraph.graphql is exactly what FEDERATION=true serves as `_service { sdl }` (run `npm run schema:emit` after changing types)', async () => {
    const checkedIn = await readFile(new URL('../schema/subgraph.graphql', import.meta.url), 'utf8');
    expect(await printSubgraphSchema(subgraph)).toBe(checkedIn);
  });

  it('the subgraph schema is the schema plus federation: the same types, fields and field extensions (what the query cost reads)', () => {
    // Federation 2.9 declares the scalars of its later directives (@requiresScopes, @policy, @fromContext) too.
    const federation = new Set(['_Any', '_Entity', '_Service', 'link__Import', 'link__Purpose', 'federation__FieldSet', 'federation__Scope', 'federation__Policy', 'federation__ContextFieldValue']);
    // The subgraph's SDL is the sorted schema's (as schema.graphql is).
    const sorted = lexicographicSortSchema(schema);
    for (const type of Object.values(sorted.getTypeMap())) {
      const twin = subgraph.getType(type.name);
      expect(twin, type.name).toBeDefined();
      if (type === sorted.getQueryType()) continue;
      expect(printType(twin!), type.name).toBe(printType(type));
    }
    const extra = Object.keys(subgraph.getTypeMap()).filter((name) => !schema.getType(name) && !federation.has(name));
    expect(extra).toEqual([]);
    const query = subgraph.getQueryType()!.getFields();
    expect(Object.keys(query).sort()).toEqual([...Object.keys(schema.getQueryType()!.getFields()), '_entities', '_service'].sort());
    for (const type of [schema.getQueryType()!, assertObjectType(schema.getType('Image')), assertObjectType(schema.getType('ImageConnection'))]) {
      const twin = assertObjectType(subgraph.getType(type.name)).getFields();
      for (const [name, field] of Object.entries(type.getFields())) {
        expect(twin[name]!.extensions, `${type.name}.${name}`).toEqual(field.extensions);
        expect(String(twin[name]!.type), `${type.name}.${name}`).toBe(String(field.type));
      }
    }
    expect(query._entities!.extensions.complexity).toBeTypeOf('function');
  });

  it('operations.graphql holds valid example operations', async () => {
    const document = parse(await readFile(new URL('../schema/operations.graphql', import.meta.url), 'utf8'));
    expect(validate(schema, document)).toEqual([]);
    const names = document.definitions.flatMap((d) => (d.kind === 'OperationDefinition' && d.name ? [d.name.value] : []));
    expect(names).toEqual(expect.arrayContaining(['ImagesPage', 'PreviousImagesPage', 'ImageDetail', 'RefetchNode']));
  });

  it('keeps the contract names of DESIGN.md', () => {
    const query = schema.getQueryType()!.getFields();
    expect(Object.keys(query).sort()).toEqual(['image', 'imageFacets', 'images', 'latestImage', 'node', 'regions']);
    expect(query.images!.args.map((a) => a.name).sort()).toEqual(['after', 'before', 'filter', 'first', 'last', 'region', 'sort']);
    expect(String(query.images!.type)).toBe('ImageConnection!');
    for (const name of ['ImageStatus', 'ImageType', 'ImageVisibility', 'OsType', 'DiskFormat', 'VirtualEnvType', 'FirmwareType']) {
      const values = assertEnumType(schema.getType(name)).getValues().map((v) => v.name);
      expect(values).toContain('UNKNOWN');
    }
  });

  it('describes every type, field, argument and input field (introspection types aside)', () => {
    const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
    const undescribed: string[] = [];
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!roots.has(type as never) && !type.description) undescribed.push(type.name);
      if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        checked++;
        if (!field.description) undescribed.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) {
          checked++;
          if (!arg.description) undescribed.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(undescribed).toEqual([]);
  });

  it('ImageFilter takes input enums of only the values the upstream filters on, named as the output enums name them', () => {
    const filter = assertInputObjectType(schema.getType('ImageFilter')).getFields();
    // Internal values equal to the names: toListQuery maps them with the output enums' wire tables.
    const inputEnum = (field: string): { name: string; values: string[] } => {
      const type = assertEnumType(getNamedType(filter[field]!.type));
      for (const value of type.getValues()) expect(value.value, `${type.name}.${value.name}`).toBe(value.name);
      return { name: type.name, values: type.getValues().map((v) => v.name) };
    };
    const outputValues = (name: string): string[] => assertEnumType(schema.getType(name)).getValues().map((v) => v.name);
    const expected: [field: string, inputEnum: string, outputEnum: string, values: string[]][] = [
      ['imageType', 'ImageTypeFilter', 'ImageType', ['GOLD', 'PRIVATE']],
      ['visibility', 'ImageVisibilityFilter', 'ImageVisibility', ['PUBLIC', 'PRIVATE']],
      ['osType', 'OsTypeFilter', 'OsType', ['LINUX', 'WINDOWS', 'OTHER']],
      ['status', 'ImageStatusFilter', 'ImageStatus', ['QUEUED', 'SAVING', 'DELETED', 'KILLED', 'ACTIVE']],
      ['virtualEnvType', 'VirtualEnvTypeFilter', 'VirtualEnvType', ['FUSION_COMPUTE']],
    ];
    for (const [field, name, output, values] of expected) {
      const actual = inputEnum(field);
      expect(actual.name, field).toBe(name);
      expect(actual.values.sort(), field).toEqual([...values].sort());
      expect(outputValues(output), field).toEqual(expect.arrayContaining(values));
    }
  });

  it('no enum an input can take has UNKNOWN', () => {
    const inputEnums = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !isInputObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        if (isEnumType(named)) inputEnums.add(named.name);
      }
    }
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      for (const arg of field.args) {
        const named = getNamedType(arg.type);
        if (isEnumType(named)) inputEnums.add(named.name);
      }
    }
    expect([...inputEnums].sort()).toEqual(['Architecture', 'ImageSortKey', 'ImageStatusFilter', 'ImageTypeFilter', 'ImageVisibilityFilter', 'OsTypeFilter', 'SortDirection', 'VirtualEnvTypeFilter']);
    for (const name of inputEnums) expect(assertEnumType(schema.getType(name)).getValues().map((v) => v.name), name).not.toContain('UNKNOWN');
  });
});
