import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { worstCasePrice } from './query-cost.js';
import { queryLimitRules, tokenLimitError, type QueryLimits } from './query-limits.js';

/**
 * Trusted documents (persisted operations, a safelist): the operations a frontend ships, read at
 * start-up from the manifest its build produced, in any of the three formats client toolchains
 * write. Each is parsed, validated and priced once, by the rules every request meets (the query
 * limits, the schema, the cost at its worst case over variables); one that fails stops start-up, so
 * a frontend cannot ship an operation the server would refuse. How requests name them, and what
 * happens to the others, is http/trusted-documents.ts.
 */

/** enforce: only listed documents run; allow: listed ones by id, others too (counted); off: no lookup by id at all. */
export type TrustedDocumentsMode = 'enforce' | 'allow' | 'off';

/** What the configuration decides of trusted documents (src/config/trusted-documents.ts). */
export interface TrustedDocumentsSettings {
  mode: TrustedDocumentsMode;
  /** TRUSTED_DOCUMENTS: the manifest's path; undefined: no document is listed. */
  manifest: string | undefined;
}

/** One listed document: the id the manifest gives it, its text, and its operation's name where the manifest says it. */
export interface ListedDocument {
  id: string;
  body: string;
  name?: string;
}

/** An id a manifest may give: printable, no spaces, bounded (sha256 hex is 64 characters, `sha256:` and it 71). */
export const MANIFEST_ID = /^[\x21-\x7e]{1,256}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA256_PREFIX = 'sha256:';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The listed documents, found by the id the manifest gives each, or by the SHA-256 of its exact
 * text: `sha256:<hex>` (the GraphQL-over-HTTP persisted documents appendix) or the bare hex (what
 * Apollo Client's persisted-queries link sends). Nothing else finds one: an id is never guessed.
 */
export class TrustedDocumentList {
  private readonly byId = new Map<string, ListedDocument>();
  private readonly bySha256 = new Map<string, ListedDocument>();

  constructor(readonly documents: readonly ListedDocument[]) {
    for (const document of documents) {
      this.byId.set(document.id, document);
      this.bySha256.set(sha256Hex(document.body), document);
    }
  }

  get size(): number {
    return this.documents.length;
  }

  /** The document an id names, or undefined. */
  find(id: string): ListedDocument | undefined {
    const listed = this.byId.get(id);
    if (listed) return listed;
    const hex = id.startsWith(SHA256_PREFIX) ? id.slice(SHA256_PREFIX.length) : id;
    return SHA256_HEX.test(hex) ? this.bySha256.get(hex) : undefined;
  }

  /** The document whose text is exactly this one (byte for byte), or undefined. */
  withText(text: string): ListedDocument | undefined {
    const listed = this.bySha256.get(sha256Hex(text));
    return listed?.body === text ? listed : undefined;
  }
}

/** The manifest could not be read as a list of documents: why, one problem a line. */
export class ManifestFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ManifestFormatError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest`). */
function apolloManifest(value: Record<string, unknown>): ListedDocument[] {
  if (value.version !== 1) throw new ManifestFormatError([`an Apollo persisted query manifest of version ${JSON.stringify(value.version)}: only version 1 is known`]);
  if (!Array.isArray(value.operations)) throw new ManifestFormatError(['an Apollo persisted query manifest without an `operations` list']);
  const problems: string[] = [];
  const documents = value.operations.flatMap((operation: unknown, index): ListedDocument[] => {
    if (!isRecord(operation) || typeof operation.id !== 'string' || !MANIFEST_ID.test(operation.id) || typeof operation.body !== 'string') {
      problems.push(`operations[${index}] needs an \`id\` (1 to 256 printable characters) and a \`body\` (the document's text)`);
      return [];
    }
    return [{ id: operation.id, body: operation.body, ...(typeof operation.name === 'string' ? { name: operation.name } : {}) }];
  });
  if (problems.length > 0) throw new ManifestFormatError(problems);
  return documents;
}

/** `{ "<id>": "<document>" }`: GraphQL Code Generator's client preset `persistedDocuments`, and Relay's `persistConfig` file. */
function idToDocumentMap(value: Record<string, unknown>): ListedDocument[] {
  const problems: string[] = [];
  const documents = Object.entries(value).flatMap(([id, body]): ListedDocument[] => {
    if (!MANIFEST_ID.test(id) || typeof body !== 'string') {
      problems.push(`entry ${JSON.stringify(id.slice(0, 80))} must map an id (1 to 256 printable characters) to the document's text`);
      return [];
    }
    return [{ id, body }];
  });
  if (problems.length > 0) throw new ManifestFormatError(problems);
  return documents;
}

/** The documents a manifest lists, whichever of the three formats it is in; a ManifestFormatError says why not. */
export function readManifest(value: unknown): ListedDocument[] {
  if (!isRecord(value)) throw new ManifestFormatError(['not a JSON object: expected an Apollo persisted query manifest or a map of ids to documents (codegen, Relay)']);
  const documents = value.format === 'apollo-persisted-query-manifest' ? apolloManifest(value) : idToDocumentMap(value);
  if (documents.length === 0) throw new ManifestFormatError(['lists no document: every request would be refused']);
  const seen = new Map<string, string>();
  const conflicts = documents.filter(({ id, body }) => {
    const before = seen.get(id);
    seen.set(id, body);
    return before !== undefined && before !== body;
  });
  if (conflicts.length > 0) throw new ManifestFormatError(conflicts.map(({ id }) => `id ${id} is given to two different documents`));
  return documents;
}

/** What a listed document must pass: the rules every request meets. */
export interface DocumentRules {
  schema: GraphQLSchema;
  limits: QueryLimits;
  /** Introspection off: a document that introspects would be refused. */
  introspection: boolean;
  /** Upstream calls a snapshot read may need (the query cost's). */
  snapshotPages: number;
}

function describe(document: ListedDocument): string {
  return document.name ? `${document.id} (${document.name})` : document.id;
}

/** Why one listed document would be refused (parse, query limits, validation, cost), or nothing. */
function problemsOf(listed: ListedDocument, { schema, limits, introspection, snapshotPages }: DocumentRules): string[] {
  let document: DocumentNode;
  try {
    document = parse(listed.body, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [(tokenLimitError(error) ?? error).message];
  }
  const rules = [...specifiedRules, ...queryLimitRules(limits), ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const invalid = validate(schema, document, rules);
  if (invalid.length > 0) return invalid.map((error) => error.message);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return ['has no operation'];
  return operations.flatMap((operation) => {
    const cost = worstCasePrice({ schema, document, operation, snapshotPages });
    const name = operation.name ? `operation ${operation.name.value}` : 'its operation';
    if (cost === null) return [`${name} could not be priced: a variable's type takes no value the cost model knows`];
    if (cost > limits.maxCost) {
      return [
        Number.isFinite(cost)
          ? `${name} could make up to ${cost} calls to the image service with its largest variables; MAX_QUERY_COST is ${limits.maxCost}`
          : `${name} is too large to price (too many fields once its fragments are expanded)`,
      ];
    }
    return [];
  });
}

/** The manifest could not be used: start-up stops, with a message naming the file and every problem. */
export class TrustedDocumentsError extends Error {
  constructor(file: string, problems: string[]) {
    const [first, ...rest] = problems;
    super(`TRUSTED_DOCUMENTS=${file}: ${first}${rest.map((p) => `\n  - ${p}`).join('')}`);
    this.name = 'TrustedDocumentsError';
  }
}

/** Checks every listed document against the rules: one line per problem of each that would be refused, naming it by id; empty when all pass. */
export function checkDocuments(documents: readonly ListedDocument[], rules: DocumentRules): string[] {
  const refused = documents.map((document) => ({ document, problems: problemsOf(document, rules) })).filter(({ problems }) => problems.length > 0);
  if (refused.length === 0) return [];
  return [
    `${refused.length} of the ${documents.length} listed documents would be refused:`,
    ...refused.flatMap(({ document, problems }) => problems.map((problem) => `document ${describe(document)}: ${problem}`)),
  ];
}

/** Reads, parses and checks the manifest at `file`; throws TrustedDocumentsError, naming it, when any of that fails. */
export async function loadTrustedDocuments(file: string, rules: DocumentRules): Promise<TrustedDocumentList> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TrustedDocumentsError(file, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TrustedDocumentsError(file, [`is not JSON (${(error as Error).message})`]);
  }
  let documents: ListedDocument[];
  try {
    documents = readManifest(json);
  } catch (error) {
    if (error instanceof ManifestFormatError) throw new TrustedDocumentsError(file, error.problems);
    throw error;
  }
  const problems = checkDocuments(documents, rules);
  if (problems.length > 0) throw new TrustedDocumentsError(file, problems);
  return new TrustedDocumentList(documents);
}
