import { describe, expect, it } from 'vitest';
import type { ConformanceFixture } from './conformance-fixture.js';
import { defineMswConformanceTests } from './define-msw-conformance-tests.js';
import { defineRealSocketConformanceTests } from './define-real-socket-conformance-tests.js';

/**
 * Defines the shared adapter conformance tests for one fixture (call it at the top level of a
 * test file). Each test builds a fresh adapter with `fixture.createProvider`. The msw tests run
 * first (msw listening, unhandled requests are errors), then msw is closed and the real-socket
 * tests run against a node:http server on 127.0.0.1 (or, for an SDK that only speaks https, a
 * check that the adapter refuses a plain-http origin instead of silently mis-sending).
 */
export function runConformanceSuite(fixture: ConformanceFixture): void {
  describe(`${fixture.name} adapter conformance`, () => {
    defineMswConformanceTests(fixture);
    const httpsOnly = fixture.sdkLimits?.plainHttp;
    if (httpsOnly === undefined) {
      defineRealSocketConformanceTests(fixture);
    } else {
      it(`real-socket tests cannot run (${httpsOnly}): createProvider refuses an http:// origin`, () => {
        expect(() => fixture.createProvider('http://127.0.0.1:9')).toThrow(/https/);
      });
    }
  });
}
