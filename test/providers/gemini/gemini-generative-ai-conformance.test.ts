import { runConformanceSuite } from '../../conformance/run-conformance-suite.js';
import { createGeminiConformanceFixture } from './gemini-conformance-fixture.js';

runConformanceSuite(createGeminiConformanceFixture('generative-ai'));
