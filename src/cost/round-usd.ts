/**
 * Costs are kept to 1e-10 USD (a ten-thousandth of a micro-dollar): far below any provider's
 * billing unit, far above float noise. 0.1 + 0.2 style residue disappears, and any cost up to
 * ~$900,000 is an exact integer number of these units (below 2^53).
 */
export const USD_UNITS_PER_DOLLAR = 1e10;

/** Rounds a USD amount to {@link USD_UNITS_PER_DOLLAR} precision. */
export function roundUsd(amount: number): number {
  return Math.round(amount * USD_UNITS_PER_DOLLAR) / USD_UNITS_PER_DOLLAR;
}
