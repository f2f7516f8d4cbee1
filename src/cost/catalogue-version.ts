/**
 * The version of `@pydantic/genai-prices` whose bundled price data this package reads.
 *
 * The package exports neither its version nor a data date, and reading its `package.json` at
 * run time would defeat bundlers, so the version is pinned here and in `package.json` alike; a
 * test fails when the installed package differs from this value.
 */
export const CATALOGUE_VERSION = '0.1.8';

/** The `price_source` of a cost taken from the catalogue: `catalogue@<version>`. */
export const CATALOGUE_PRICE_SOURCE = `catalogue@${CATALOGUE_VERSION}`;

/** The `price_source` of a cost taken from `cost_tracking.pricing`. */
export const OVERRIDE_PRICE_SOURCE = 'override';
