import type { ConfigIssue } from './types';

/**
 * The configuration is wrong. Not retryable: the operator has to change a variable or a flag. The message lists
 * every issue so one failed start shows everything that needs fixing.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_INVALID_CONFIG';
  readonly canRetry = false;
  readonly issues: readonly ConfigIssue[];
  /** One line per issue (`HTTP_PORT: must be …`), phrased alike in every app; a command-line program prints these. */
  readonly problems: readonly string[];

  constructor(issues: readonly ConfigIssue[], problems = issues.map((i) => `${i.variable}: ${i.message}`)) {
    super(['Invalid configuration:', ...problems.map((line) => `  - ${line}`)].join('\n'));
    this.issues = issues;
    this.problems = problems;
  }
}
