import { DEFAULT_TOPICS } from './topics';

// The topic names are a contract (docs/contracts.md#topics): renaming one breaks every deployment.
it('declares the four topics of the pipeline', () => {
  expect(DEFAULT_TOPICS).toEqual({
    input: 'user-login',
    output: 'processed-user-login',
    dlq: 'user-login-dlq',
    parked: 'user-login-dlq-parked',
  });
  expect(Object.isFrozen(DEFAULT_TOPICS)).toBe(true);
});
