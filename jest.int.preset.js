// Integration tests: a real Apache Kafka broker. The global setup uses KAFKA_BROKERS when a broker answers
// there, otherwise it starts one with tools/kafka and stops it at teardown (only if it started it).
const path = require('node:path');
const base = require('./jest.preset.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  globalSetup: path.join(__dirname, 'libs/kafka/src/testing/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'libs/kafka/src/testing/global-teardown.ts'),
  testTimeout: 120_000,
  // The broker shares this machine's cores with the tests: one test file at a time per project.
  maxWorkers: 1,
};
