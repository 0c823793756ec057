// Integration tests against a real Apache Kafka broker (tools/kafka), one unique topic and group per test.
module.exports = {
  ...require('../../jest.int.preset.js'),
  displayName: 'generator:integration',
  rootDir: __dirname,
};
