// Unit tests: pure code, no I/O. Tests against the broker live in *.int-spec.ts (jest.int.config.js).
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'masking',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
