import type { FoundationModelSummary } from '@aws-sdk/client-bedrock';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bedrockLegacyReason, listBedrockTextModelDetails } from '../../../src/providers/bedrock/list-bedrock-text-models.js';
import { createMswServer } from '../../setup/msw-server.js';
import { bedrockControlOrigin, createBedrockProvider, foundationModelSummary } from './bedrock-test-helpers.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const summary = foundationModelSummary;

describe('Bedrock model lifecycle from ListFoundationModels', () => {
  it('reads LEGACY with its dates, ACTIVE, and a summary without the field, in one request', async () => {
    let requests = 0;
    server.use(
      http.get(`${bedrockControlOrigin}/foundation-models`, () => {
        requests += 1;
        return HttpResponse.json({
          modelSummaries: [
            summary('anthropic.claude-old-v1:0', {
              status: 'LEGACY',
              startOfLifeTime: '2024-06-20T00:00:00Z',
              legacyTime: '2025-08-25T00:00:00Z',
              publicExtendedAccessTime: '2025-12-01T00:00:00Z',
              endOfLifeTime: '2026-03-01T00:00:00Z',
            }),
            summary('anthropic.claude-dated-v1:0', { status: 'LEGACY' }),
            summary('anthropic.claude-new-v1:0', { status: 'ACTIVE' }),
            summary('amazon.nova-lite-v1:0'),
            // Provisioned throughput only: Converse cannot call it by id.
            { ...summary('anthropic.claude-old-v1:0:18k', { status: 'LEGACY' }), inferenceTypesSupported: ['PROVISIONED'] },
          ],
        });
      }),
    );
    const provider = createBedrockProvider();
    expect(await provider.listModelDetails()).toEqual([
      { id: 'anthropic.claude-old-v1:0', lifecycle: 'legacy', lifecycleReason: 'Bedrock lists it as LEGACY', legacySince: '2025-08-25', retiresAt: '2026-03-01' },
      { id: 'anthropic.claude-dated-v1:0', lifecycle: 'legacy', lifecycleReason: 'Bedrock lists it as LEGACY' },
      { id: 'anthropic.claude-new-v1:0', lifecycle: 'active' },
      { id: 'amazon.nova-lite-v1:0' },
    ]);
    expect(requests).toBe(1);
    // listModels keeps its contract: ids only.
    expect(await provider.listModels()).toEqual(['anthropic.claude-old-v1:0', 'anthropic.claude-dated-v1:0', 'anthropic.claude-new-v1:0', 'amazon.nova-lite-v1:0']);
    expect(requests).toBe(2);
  });

  it('keeps the first of duplicate ids and ignores a status it does not know', () => {
    // As the SDK hands them over (timestamps already parsed into Dates).
    const summaries = [
      { ...summary('m-v1:0'), modelLifecycle: { status: 'LEGACY' } },
      { ...summary('m-v1:0'), modelLifecycle: { status: 'ACTIVE' } },
      { ...summary('n-v1:0'), modelLifecycle: { status: 'RETIRING' } },
      { ...summary('p-v1:0'), modelLifecycle: { status: 'LEGACY', endOfLifeTime: new Date(Number.NaN), legacyTime: new Date('2026-02-03T12:00:00Z') } },
    ] as unknown as FoundationModelSummary[];
    const listings = listBedrockTextModelDetails(summaries);
    expect(listings).toEqual([
      { id: 'm-v1:0', lifecycle: 'legacy', lifecycleReason: bedrockLegacyReason },
      { id: 'n-v1:0' },
      { id: 'p-v1:0', lifecycle: 'legacy', lifecycleReason: bedrockLegacyReason, legacySince: '2026-02-03' },
    ]);
  });
});
