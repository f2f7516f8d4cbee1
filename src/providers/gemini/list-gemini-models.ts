import { mapGeminiSdkError } from './map-gemini-sdk-error.js';
import { mapGoogleError } from './map-google-error.js';
import { ModelNotFoundError } from '../../errors/model-not-found-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { redactSecrets } from '../../internal/redact-secrets.js';

/** One entry of `GET /v1beta/models`. */
interface GeminiModelEntry {
  name?: string;
  supportedGenerationMethods?: string[];
}

/** The Gemini API root used when no `baseUrl` is given. */
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/**
 * Lists the models of the Gemini API through REST (`GET {baseUrl}/v1beta/models`, every page,
 * `pageSize=1000`), the key in the `x-goog-api-key` header (never in the URL). Keeps the models
 * whose `supportedGenerationMethods` include `generateContent`, strips the `models/` prefix and
 * leaves out tuned models (`tunedModels/...`). Failures are `ProviderError`s (model `*`).
 */
export async function listGeminiModels(options: { providerName: string; apiKey: string; baseUrl?: string; signal?: AbortSignal }): Promise<string[]> {
  const root = (options.baseUrl ?? GEMINI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const url = new URL(`${root}/v1beta/models`);
    url.searchParams.set('pageSize', '1000');
    if (pageToken !== undefined) url.searchParams.set('pageToken', pageToken);
    const page = (await getJson(url, options)) as { models?: GeminiModelEntry[]; nextPageToken?: string };
    for (const model of page.models ?? []) {
      if (typeof model.name !== 'string' || !model.name.startsWith('models/')) continue;
      if (!(model.supportedGenerationMethods ?? []).includes('generateContent')) continue;
      ids.push(model.name.slice('models/'.length));
    }
    pageToken = page.nextPageToken || undefined;
  } while (pageToken !== undefined);
  return ids;
}

/**
 * Whether the Gemini API knows `model` (`GET {baseUrl}/v1beta/models/{model}`): `true` on 200,
 * `false` on 404; other failures are thrown. Costs no tokens.
 */
export async function geminiModelExists(options: { providerName: string; apiKey: string; baseUrl?: string; model: string }): Promise<boolean> {
  const root = (options.baseUrl ?? GEMINI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const name = options.model.includes('/') ? options.model : `models/${options.model}`;
  try {
    await getJson(new URL(`${root}/v1beta/${name}`), { ...options, model: options.model });
    return true;
  } catch (error) {
    if (ModelNotFoundError.isInstance(error)) return false;
    throw error;
  }
}

async function getJson(url: URL, options: { providerName: string; apiKey: string; signal?: AbortSignal; model?: string }): Promise<unknown> {
  const context = { provider: options.providerName, model: options.model ?? '*', secret: options.apiKey, ...(options.signal ? { signal: options.signal } : {}) };
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'x-goog-api-key': options.apiKey }, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw mapGeminiSdkError(error, context);
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const classification = mapGoogleError(response.status, body ?? { error: { code: response.status, message: response.statusText } });
    const errorOptions = {
      provider: context.provider,
      model: context.model,
      kind: classification.kind,
      status: response.status,
      message: redactSecrets(classification.message, [options.apiKey]),
      ...(classification.retryAfterMs === undefined ? {} : { retryAfterMs: classification.retryAfterMs }),
    };
    throw classification.kind === 'not_found' ? new ModelNotFoundError(errorOptions) : new ProviderError(errorOptions);
  }
  return body ?? {};
}
