import { EXIT } from './exit-codes';

// The exit codes are a contract (docs/contracts.md#exit-codes): scripts and Kubernetes Jobs branch on them.
it('keeps the documented exit codes', () => {
  expect(EXIT).toEqual({ ok: 0, failure: 1, usage: 2, busy: 3, interrupted: 130 });
  expect(Object.isFrozen(EXIT)).toBe(true);
});
