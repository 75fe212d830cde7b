// A reliability case as a vitest test: run it, or, where this machine cannot produce the fault, skip it and record why in the ledger.
import { it } from 'vitest';
import { cliMissing } from './children.ts';
import { type CaseContext, type CaseSpec, notProducible, runCase } from './runCase.ts';

/** Options for {@link caseTest}. */
export interface CaseTestOptions {
  /** Why the fault cannot be produced here; set, the test is skipped and recorded as such. */
  notProducible?: string;
  /** Skip the test without a record (a case left out of the quick run). */
  skip?: boolean;
}

/** Registers `spec` as a test that runs {@link runCase} with `body`. */
export function caseTest(
  spec: CaseSpec,
  body: (ctx: CaseContext) => Promise<string>,
  options: CaseTestOptions = {},
): void {
  if (options.notProducible) {
    it.skip(spec.name, () => undefined);
    notProducible(spec, options.notProducible);
    return;
  }
  it.skipIf(options.skip ?? false)(spec.name, () => runCase(spec, body));
}

/** Why the CLI cases cannot run here (`the CLI cannot run: ...`), or undefined when they can. */
export function cliCannotRun(): string | undefined {
  const missing = cliMissing();
  return missing ? `the CLI cannot run: ${missing}` : undefined;
}
