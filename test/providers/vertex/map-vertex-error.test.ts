import { describe, expect, it } from 'vitest';
import { mapVertexError } from '../../../src/providers/vertex/map-vertex-error.js';

const context = { provider: 'vertex', model: 'gemini-2.5-flash' };

describe('mapVertexError on a body that is not JSON', () => {
  it('reads a SyntaxError before any event as a non-JSON answer (an error page): server', () => {
    const error = mapVertexError(new SyntaxError("Unexpected token '<', \"<html>\" is not valid JSON"), context);
    expect(error).toMatchObject({ kind: 'server', provider: 'vertex', model: 'gemini-2.5-flash' });
    expect(error.message).toContain('not JSON');
  });

  it('reads a SyntaxError after a stream event as a malformed event: network, retried like Gemini', () => {
    const error = mapVertexError(new SyntaxError('Unexpected end of JSON input'), { ...context, midStream: true });
    expect(error).toMatchObject({ kind: 'network' });
    expect(error.message).toBe('vertex/gemini-2.5-flash: a malformed event in the stream: Unexpected end of JSON input');
  });
});
