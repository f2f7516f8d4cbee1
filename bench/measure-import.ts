/**
 * Cold import of the built package (`dist/index.js`, and `require` of `dist/index.cjs`), each in
 * a fresh `node` process with no loader: the time `await import()` takes, and (in a separate run with a resolve hook) every
 * module that import loaded, so SDK modules can be spotted.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageEntry = pathToFileURL(`${root}dist/index.js`).href;
const packageRequireEntry = `${root}dist/index.cjs`;

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

/** Milliseconds of `require(target)` in a fresh process (how CommonJS users and our lazy loads pay). */
function requireOnce(target: string): number {
  const code = `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(packageEntry)});
const began = performance.now(); require(${JSON.stringify(target)});
process.stdout.write(String(performance.now() - began));`;
  return Number(runNode(code));
}

/** Milliseconds of `step` (which may use `api`, the imported package) in a fresh process, after the import. */
function stepAfterImportOnce(step: string): number {
  const code = `const api = await import(${JSON.stringify(packageEntry)});
const began = performance.now(); ${step}
process.stdout.write(String(performance.now() - began));`;
  return Number(runNode(code));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Median of `runs` cold loads of the package, with every sample: `import()` of `dist/index.js`
 * (`esm`, the default) or `require()` of `dist/index.cjs` (`cjs`).
 */
export function measurePackageImport(runs: number, format: 'esm' | 'cjs' = 'esm'): { medianMs: number; samplesMs: number[] } {
  const load = format === 'esm' ? () => importOnce(packageEntry) : () => requireOnce(packageRequireEntry);
  const samplesMs = Array.from({ length: runs }, load);
  return { medianMs: median(samplesMs), samplesMs };
}

const objectConfig = `{ active_provider: 'openai', providers: { openai: { api_key: 'sk-bench', fallback_models: ['gpt-4o-mini'] } } }`;

/**
 * Where the load time goes (median of `runs` each): each runtime dependency alone, required as the package loads it on first use; our own code with the Node built-ins it
 * imports already loaded; and the costs moved out of the import: the first
 * `new LLMOrchestrator(object config)` (loads zod, builds the schema) and the first catalogue
 * price (loads `@pydantic/genai-prices`).
 */
export function measureImportBreakdown(runs: number): Record<string, number> {
  const sample = (measure: () => number) => median(Array.from({ length: runs }, measure));
  const result: Record<string, number> = {};
  for (const dependency of ['zod', 'yaml', '@pydantic/genai-prices']) result[`${dependency} alone (require)`] = sample(() => requireOnce(dependency));
  const builtins = ['node:crypto', 'node:fs', 'node:fs/promises', 'node:module', 'node:path', 'node:url', 'node:util'];
  result['llm-orchestrator code (Node built-ins preloaded)'] = sample(() => importOnce(packageEntry, builtins));
  result['first new LLMOrchestrator(object config), after import'] = sample(() =>
    stepAfterImportOnce(`new api.LLMOrchestrator(${objectConfig}, { logger: { warn() {} } });`),
  );
  result['first catalogue price, after import'] = sample(() =>
    stepAfterImportOnce(`new api.PriceBook().price({ provider: 'openai', providerType: 'openai', model: 'gpt-4o-mini', usage: api.createUsage({ inputTokens: 10, outputTokens: 10 }) });`),
  );
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
