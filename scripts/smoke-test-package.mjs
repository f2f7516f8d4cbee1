// Checks the built package the way users load it: ESM import, CommonJS require, the public names,
// that importing it loads no provider SDK (they are optional and loaded on first use), and that
// zod, yaml and the price catalogue wait until a config or a price needs them.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const expected = ['LLMOrchestrator', 'ProviderError', 'ConfigurationError', 'AllFallbacksFailedError', 'StreamInterruptedError', 'CostTracker', 'JsonlSink', 'CsvSink'];

const esm = await import('llm-orchestrator');
const cjs = require('llm-orchestrator');
for (const name of expected) {
  assert.equal(typeof esm[name], 'function', `ESM export ${name}`);
  assert.equal(typeof cjs[name], 'function', `CJS export ${name}`);
}

const sdkPattern = /node_modules\/(openai|@anthropic-ai|@google|@google-cloud|@aws-sdk)\//;
const loadedSdks = Object.keys(require.cache).filter((path) => sdkPattern.test(path));
assert.deepEqual(loadedSdks, [], 'require() of the package loaded no SDK');

// Both builds load these with require() on first use, so require.cache sees them either way.
const lazyPattern = /node_modules\/(zod|yaml|@pydantic\/genai-prices)\//;
const loadedPackages = (pattern) => [...new Set(Object.keys(require.cache).filter((path) => pattern.test(path)).map((path) => pattern.exec(path)[1]))].sort();
assert.deepEqual(loadedPackages(lazyPattern), [], 'import and require() of the package loaded neither zod, yaml nor @pydantic/genai-prices');

const orch = new cjs.LLMOrchestrator(
  { active_provider: 'openai', providers: { openai: { api_key: 'sk-smoke', fallback_models: ['gpt-4o-mini'] } } },
  { logger: { warn() {} } },
);
assert.equal(typeof orch.send, 'function');
assert.deepEqual(Object.keys(require.cache).filter((path) => sdkPattern.test(path)), [], 'construction loaded no SDK');
assert.deepEqual(loadedPackages(lazyPattern), ['zod'], 'an object config loaded zod only');
await orch.close();
console.log(`smoke test passed: ${expected.length} names via import and require, no SDK, zod, yaml or price catalogue loaded on import`);
