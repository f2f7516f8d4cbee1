import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';
import { genaiGenerateMethods } from '../gemini/genai-generate-methods.js';
import { pickVertexModelIds, type VertexPublisherModel } from './list-vertex-publisher-models.js';
import type { VertexBackend, VertexBackendOptions } from './vertex-backend.js';

/**
 * The `@google/genai` backend in Vertex mode (`sdk: genai`). It retries nothing unless asked
 * to, cancels requests through the abort signal, and lists publisher models itself
 * (`models.list`, base models: `GET /v1beta1/publishers/google/models`).
 */
export async function createVertexGenaiBackend(options: VertexBackendOptions): Promise<VertexBackend> {
  const sdk = await loadOptionalSdk('@google/genai', options.providerName, () => import('@google/genai'));
  const client = new sdk.GoogleGenAI({
    vertexai: true,
    project: options.projectId,
    location: options.location,
    googleAuthOptions: options.googleAuthOptions as never,
    ...(options.genaiBaseUrl !== undefined ? { httpOptions: { baseUrl: options.genaiBaseUrl } } : {}),
  });
  return {
    ...genaiGenerateMethods(client),
    async listModelIds(signal) {
      const pager = await client.models.list({ config: { pageSize: 1000, ...(signal !== undefined ? { abortSignal: signal } : {}) } });
      const models: VertexPublisherModel[] = [];
      for await (const model of pager) models.push({ ...(model.name !== undefined ? { name: model.name } : {}) });
      return pickVertexModelIds(models);
    },
  };
}
