/** One entry of `publishers.models.list`. */
export interface VertexPublisherModel {
  /** `publishers/google/models/gemini-2.5-flash` */
  name?: string;
}

/**
 * Keeps the Gemini models of Google's publisher catalogue (what generateContent serves) as
 * request ids (`gemini-2.5-flash`), in order, without duplicates. Other publisher models
 * (Imagen, embeddings, Chirp, open models needing a deployment) and anything that is not a
 * base `publishers/google/models/...` entry (tuned models live under `projects/...`) are left out.
 */
export function pickVertexModelIds(models: readonly VertexPublisherModel[]): string[] {
  const ids = new Set<string>();
  for (const model of models) {
    const match = /^publishers\/google\/models\/([^/@]+)/.exec(model.name ?? '');
    const id = match?.[1];
    if (id !== undefined && id.startsWith('gemini')) ids.add(id);
  }
  return [...ids];
}

/**
 * Lists Google's publisher models over REST: `GET {origin}/v1beta1/publishers/google/models`,
 * every page, with a bearer token. Throws what `fetch` throws, or an error carrying `status`
 * and the body for an HTTP failure (mapped by the adapter like an SDK error).
 */
export async function listVertexPublisherModels(options: {
  origin: string;
  projectId: string;
  getAccessToken: () => Promise<string>;
  signal?: AbortSignal;
}): Promise<string[]> {
  const models: VertexPublisherModel[] = [];
  let pageToken: string | undefined;
  do {
    const url = new URL(`${options.origin}/v1beta1/publishers/google/models`);
    url.searchParams.set('pageSize', '1000');
    if (pageToken !== undefined) url.searchParams.set('pageToken', pageToken);
    const token = await options.getAccessToken();
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, 'x-goog-user-project': options.projectId },
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new VertexRestError(response.status, text);
    const page = JSON.parse(text) as { publisherModels?: VertexPublisherModel[]; nextPageToken?: string };
    models.push(...(page.publisherModels ?? []));
    pageToken = page.nextPageToken || undefined;
  } while (pageToken !== undefined);
  return pickVertexModelIds(models);
}

/** An HTTP failure of a Vertex REST call: `status`, and the body as the message. */
export class VertexRestError extends Error {
  readonly status: number;

  constructor(status: number, body: string) {
    super(body === '' ? `HTTP ${status}` : body);
    this.name = 'VertexRestError';
    this.status = status;
  }
}
