import { readFile } from 'node:fs/promises';
import { assertEnumType, assertObjectType, getNamedType, isListType, isNonNullType, parse, validate, type GraphQLOutputType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import { createSchema, printSortedSchema } from '../src/schema.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

describe('schema/', () => {
  it('schema.graphql is exactly what the code emits (run `npm run schema:emit` after changing types)', async () => {
    const checkedIn = await readFile(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printSortedSchema(schema)).toBe(checkedIn);
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

  it('ImageConnection follows the Relay Cursor Connections spec, with nullable items (one bad image is one null)', () => {
    const typeString = (type: GraphQLOutputType): string => String(type);
    const connection = assertObjectType(schema.getType('ImageConnection')).getFields();
    expect(typeString(connection.edges!.type)).toBe('[ImageEdge]!');
    expect(typeString(connection.nodes!.type)).toBe('[Image]!');
    expect(typeString(connection.pageInfo!.type)).toBe('PageInfo!');
    const edge = assertObjectType(schema.getType('ImageEdge')).getFields();
    expect(typeString(edge.cursor!.type)).toBe('String!');
    const node = edge.node!.type;
    expect(isNonNullType(node) || isListType(node)).toBe(false);
    expect(assertObjectType(getNamedType(node)).getInterfaces().map((i) => i.name)).toContain('Node');
    const pageInfo = assertObjectType(schema.getType('PageInfo')).getFields();
    expect(Object.fromEntries(Object.entries(pageInfo).map(([name, field]) => [name, typeString(field.type)]))).toEqual({
      hasNextPage: 'Boolean!',
      hasPreviousPage: 'Boolean!',
      startCursor: 'String',
      endCursor: 'String',
    });
    const args = schema.getQueryType()!.getFields().images!.args;
    expect(Object.fromEntries(args.filter((a) => ['first', 'after', 'last', 'before'].includes(a.name)).map((a) => [a.name, String(a.type)]))).toEqual({
      first: 'Int',
      after: 'String',
      last: 'Int',
      before: 'String',
    });
  });
});
