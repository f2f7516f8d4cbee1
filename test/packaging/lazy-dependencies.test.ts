import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = pathToFileURL(join(root, 'src/index.ts')).href;
const directory = mkdtempSync(join(tmpdir(), 'llm-orchestrator-lazy-'));
const yamlPath = join(directory, 'config.yaml');
writeFileSync(yamlPath, 'active_provider: openai\nproviders:\n  openai:\n    api_key: sk-lazy\n    fallback_models: [gpt-4o-mini]\n');

afterAll(() => rmSync(directory, { recursive: true, force: true }));

// A resolve hook (run off-thread) posts every module URL it resolves; `require` loads show up in
// require.cache. A data: URL resolved last marks the end of the stream of messages.
const hooks = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }`;

/**
 * Runs in a fresh `node --import tsx` process: imports the package's source, then uses it step
 * by step, printing after each step which npm packages have been loaded so far.
 */
const child = `import { createRequire, register } from 'node:module';
const { port1, port2 } = new MessageChannel();
const seen = new Set();
let flushed;
port1.on('message', (url) => { if (url.startsWith('data:')) flushed?.(); else seen.add(url); });
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { port: port2 }, transferList: [port2] });
const cache = createRequire(import.meta.url).cache;
const steps = {};
async function record(step) {
  await new Promise((resolve) => { flushed = resolve; import('data:text/javascript,' + encodeURIComponent('//' + step)); });
  const packages = new Set();
  for (const module of [...seen, ...Object.keys(cache)]) {
    const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(decodeURIComponent(module));
    if (match) packages.add(match[1]);
  }
  steps[step] = [...packages].sort();
}
const api = await import(${JSON.stringify(entry)});
await record('import');
const orchestrator = new api.LLMOrchestrator(
  { active_provider: 'openai', providers: { openai: { api_key: 'sk-lazy', fallback_models: ['gpt-4o-mini'] } } },
  { logger: { warn() {} } },
);
await record('object config');
const priced = new api.PriceBook().price({ provider: 'openai', providerType: 'openai', model: 'gpt-4o-mini', usage: api.createUsage({ inputTokens: 1000, outputTokens: 100 }) });
await record('price');
const fromFile = new api.LLMOrchestrator(${JSON.stringify(yamlPath)}, { logger: { warn() {} } });
await record('file config');
await orchestrator.close();
await fromFile.close();
port1.close();
process.stdout.write(JSON.stringify({ steps, sendType: typeof orchestrator.send, priced }));`;

interface ChildReport {
  steps: Record<'import' | 'object config' | 'price' | 'file config', string[]>;
  sendType: string;
  priced: { costUsd: number | null; priceSource: string };
}

const lazyDependencies = ['zod', 'yaml', '@pydantic/genai-prices'];
const sdkPackages = /^(openai|ai|@anthropic-ai\/.*|@google\/.*|@google-cloud\/.*|@aws-sdk\/.*|@smithy\/.*|@ai-sdk\/.*)$/;

describe('importing the package', () => {
  it('loads zod, yaml and the price catalogue only when a step needs them, and no SDK', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { cwd: root, timeout: 20_000 });
    const report = JSON.parse(stdout) as ChildReport;

    // tsx itself is the only npm package an import of the source may load.
    expect(report.steps.import.filter((name) => name !== 'tsx')).toEqual([]);
    // An object config needs zod, not yaml, and constructing prices nothing yet.
    expect(report.steps['object config'].filter((name) => lazyDependencies.includes(name))).toEqual(['zod']);
    expect(report.sendType).toBe('function');
    expect(report.steps.price.filter((name) => lazyDependencies.includes(name))).toEqual(['@pydantic/genai-prices', 'zod']);
    expect(report.priced.costUsd).toBeGreaterThan(0);
    expect(report.steps['file config'].filter((name) => lazyDependencies.includes(name))).toEqual(['@pydantic/genai-prices', 'yaml', 'zod']);
    expect(report.steps['file config'].filter((name) => sdkPackages.test(name))).toEqual([]);
  }, 30_000);
});
