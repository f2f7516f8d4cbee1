/**
 * Cold import of the built package (`dist/index.js`), each in a fresh `node` process with no
 * loader: the time `await import()` takes, and (in a separate run with a resolve hook) every
 * module that import loaded, so SDK modules can be spotted.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageEntry = pathToFileURL(`${root}dist/index.js`).href;

/** Module specifiers of the optional provider SDKs (and the peer's): none may load on import. */
const sdkPattern = /node_modules\/(openai|@anthropic-ai|@google|@google-cloud|@aws-sdk|@smithy|ai|@ai-sdk)\//;

function runNode(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', timeout: 30_000 });
}

/** Milliseconds of `await import(target)` in a fresh process, after importing `preload` (not timed). */
function importOnce(target: string, preload: readonly string[] = []): number {
  const code = `${preload.map((specifier) => `await import(${JSON.stringify(specifier)});`).join('')}
const began = performance.now(); await import(${JSON.stringify(target)});
process.stdout.write(String(performance.now() - began));`;
  return Number(runNode(code));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Median of `runs` cold imports of the package, with every sample. */
export function measurePackageImport(runs: number): { medianMs: number; samplesMs: number[] } {
  const samplesMs = Array.from({ length: runs }, () => importOnce(packageEntry));
  return { medianMs: median(samplesMs), samplesMs };
}

/**
 * Where the import time goes: each runtime dependency alone, and our own code with every
 * dependency already loaded (median of `runs` each).
 */
export function measureImportBreakdown(runs: number): Record<string, number> {
  const dependencies = ['zod', 'yaml', '@pydantic/genai-prices'];
  const result: Record<string, number> = {};
  for (const dependency of dependencies) result[dependency] = median(Array.from({ length: runs }, () => importOnce(dependency)));
  result['llm-orchestrator code (dependencies preloaded)'] = median(Array.from({ length: runs }, () => importOnce(packageEntry, dependencies)));
  return result;
}

/**
 * Every module URL the package import resolved (ESM resolve hook) and every CommonJS module in
 * `require.cache` afterwards; `sdk` lists those under an SDK's folder (must be empty).
 */
export function probeLoadedModules(): { modules: string[]; packages: Record<string, number>; sdk: string[] } {
  const hooks = `let port; export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }`;
  const code = `import { register, createRequire } from 'node:module';
const { port1, port2 } = new MessageChannel();
const seen = new Set();
port1.on('message', (url) => seen.add(url));
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { port: port2 }, transferList: [port2] });
await import(${JSON.stringify(packageEntry)});
await new Promise((resolve) => setTimeout(resolve, 200));
for (const key of Object.keys(createRequire(import.meta.url).cache)) seen.add(key);
port1.close();
process.stdout.write(JSON.stringify([...seen]));`;
  const modules = (JSON.parse(runNode(code)) as string[]).map((url) => (url.startsWith('file://') ? fileURLToPath(url) : url));
  const packages: Record<string, number> = {};
  for (const module of modules) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(module);
    const name = match?.[1] ?? (module.startsWith('node:') ? 'node:*' : 'own');
    packages[name] = (packages[name] ?? 0) + 1;
  }
  return { modules, packages, sdk: modules.filter((module) => sdkPattern.test(module)) };
}
