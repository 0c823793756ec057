import type { ConfigIssue } from './types';

/**
 * The environment is wrong. Not retryable: the operator has to change a variable. The message lists every issue so
 * one failed start shows everything that needs fixing.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_INVALID_CONFIG';
  readonly canRetry = false;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(['Invalid configuration:', ...issues.map((i) => `  - ${i.variable}: ${i.message}`)].join('\n'));
    this.issues = issues;
  }
}
