/**
 * The cost ledger: records per attempt, a report, CSV and JSONL exports, and reloading a ledger.
 * Run: `node --import tsx examples/cost-export.ts` (offline).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CostTracker, LLMOrchestrator } from '../src/index.js';
import { startLocalProviderServer } from './local-provider-server.js';

const directory = mkdtempSync(join(tmpdir(), 'llm-costs-'));
const server = await startLocalProviderServer();
const orch = new LLMOrchestrator({
  active_provider: 'openai',
  providers: { openai: { base_url: server.baseUrl, api_key: 'local', fallback_models: ['gpt-4o-mini'] } },
  cost_tracking: { log_path: join(directory, 'ledger.jsonl'), sinks: [{ type: 'csv', path: join(directory, 'ledger.csv') }] },
});

for (const user of ['alice', 'bob', 'alice']) {
  await orch.send({ messages: [{ role: 'user', content: `A question from ${user}` }], metadata: { user_id: user } });
}
await orch.close();
await server.close();

console.log(orch.tracker.exportCsv(join(directory, 'export.csv')));
const ledger = await CostTracker.fromJsonl(join(directory, 'ledger.jsonl'));
const report = ledger.report({ groupBy: 'metadata.user_id' });
console.log('by user:', report.groups);
console.log('total USD:', report.totals.costUsd, 'in', directory);
