import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `--profile`: where the GraphQL server's CPU goes, per request. The server runs with `--cpu-prof`;
 * each sample of the V8 profile it writes at exit is charged to one part of the request path by the
 * first frame, walking from the sampled function out to its callers, that belongs to a known part
 * (so Node's own HTTP and stream code counts for whoever called it, e.g. undici's socket reads for
 * the upstream client). Samples of the start-up (module loading, schema building) are left out;
 * what remains is divided by the requests the server answered.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Parts of the request path, by the source of a frame (first match wins). */
const PARTS: [string, RegExp][] = [
  ['logging (pino, access line)', /node_modules\/(pino|pino-http|@pinojs|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|on-exit-leak-free)\/|\/(src|dist)\/http\/access-log|\/(src|dist)\/logger/],
  ['metrics and traces', /node_modules\/(prom-client|bintrees|tdigest|@opentelemetry)\/|\/(src|dist)\/observability\//],
  ['upstream client (undici, breaker, gate)', /node_modules\/(undici|cockatiel|p-limit|yocto-queue)\/|\/(src|dist)\/upstream\/|\/(src|dist)\/images\/fair-gate|undici-wasm/],
  ['image source, loaders, caches', /node_modules\/(dataloader|lru-cache)\/|\/(src|dist)\/images\//],
  ['execution (graphql-jit, type-graphql, resolvers, mapping)', /node_modules\/(graphql-jit|type-graphql|graphql-scalars|fast-json-stringify|reflect-metadata)\/|\/(src|dist)\/apollo\/jit|\/(src|dist)\/graphql\//],
  ['Apollo request pipeline and plugins', /node_modules\/(@apollo|whatwg-mimetype|negotiator|graphql-query-complexity|@escape\.tech)\/|node_modules\/graphql\/|\/(src|dist)\/apollo\//],
  ['HTTP framework and middlewares', /node_modules\/(express|router|body-parser|raw-body|type-is|accepts|cors|compression|on-finished|finalhandler|content-type|media-typer|mime-types|qs|parseurl|vary|@as-integrations|iconv-lite|http-errors|depd|setprototypeof|statuses|send|encodeurl|proxy-addr|forwarded|fresh|object-assign)\/|\/(src|dist)\/http\/|\/(src|dist)\/server\.js|\/(src|dist)\/context/],
];

/** Functions of the request path with a part of their own: [file, function, part]. */
const NAMED: [string, string, string][] = [
  ['/upstream/client', 'parseImages', 'JSON.parse of the upstream body'],
  ['/server.', 'stringifyResult', 'JSON.stringify of the response'],
  ['/server.', 'send', 'writing the response (UTF-8 encoding, socket)'],
];

const STARTUP = /^node:internal\/modules\/|\/(src|dist)\/(schema|app|main)\.js|node_modules\/type-graphql\/.*\/schema\//;

export interface Attribution {
  /** Busy CPU time in the profile, start-up excluded (ms). */
  busyMs: number;
  startupMs: number;
  requests: number;
  parts: { part: string; ms: number; usPerRequest: number; share: number }[];
}

export function attribute(profile: CpuProfile, requests: number): Attribution {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const memo = new Map<number, string>();
  const partOf = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    let part = "Node's own HTTP, streams and timers (called from the event loop)";
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame;
      if (url === '') {
        if (functionName === '(garbage collector)') part = 'garbage collection';
        else if (functionName === '(idle)') part = 'idle';
        else if (functionName === '(program)') part = 'V8 and native code (no JavaScript frame)';
        else continue;
        break;
      }
      if (STARTUP.test(url)) {
        part = 'start-up';
        break;
      }
      const named = NAMED.find(([file, name]) => functionName === name && url.includes(file));
      if (named) {
        part = named[2];
        break;
      }
      const found = PARTS.find(([, pattern]) => pattern.test(url.startsWith('wasm://') ? 'undici-wasm' : url));
      if (found) {
        part = found[0];
        break;
      }
    }
    memo.set(id, part);
    return part;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, at) => {
    const part = partOf(id);
    totals.set(part, (totals.get(part) ?? 0) + (profile.timeDeltas[at] ?? 0) / 1000);
  });
  const startupMs = totals.get('start-up') ?? 0;
  totals.delete('start-up');
  totals.delete('idle');
  const busyMs = [...totals.values()].reduce((a, b) => a + b, 0);
  const parts = [...totals]
    .map(([part, ms]) => ({ part, ms, usPerRequest: requests > 0 ? (ms * 1000) / requests : NaN, share: ms / busyMs }))
    .sort((a, b) => b.ms - a.ms);
  return { busyMs, startupMs, requests, parts };
}

/** The one profile a process wrote into `dir`. */
export function readProfile(dir: string): CpuProfile {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  return JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as CpuProfile;
}

export function attributionTable({ parts, busyMs, startupMs, requests }: Attribution): string {
  const lines = ['| part of the request path | µs per request | share |', '|---|---:|---:|'];
  for (const { part, usPerRequest, share } of parts) lines.push(`| ${part} | ${usPerRequest.toFixed(0)} | ${(share * 100).toFixed(1)} % |`);
  const total = requests > 0 ? ((busyMs * 1000) / requests).toFixed(0) : '—';
  lines.push(`| **total** (${requests} requests; ${startupMs.toFixed(0)} ms of start-up left out) | **${total}** | 100 % |`);
  return lines.join('\n');
}
