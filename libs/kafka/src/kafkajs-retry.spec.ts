import path from 'node:path';
import { toKafkaConfig } from './client';
import { KAFKAJS_RETRY_DEFAULTS, pinnedRetry } from './kafkajs-retry';

// kafkajs loads other retry defaults when NODE_ENV=test (as under Jest): any field we leave out changes with it.
const kafkajsRetryDir = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src/retry');
const production = require(path.join(kafkajsRetryDir, 'defaults.js')) as Record<string, number>;
const testMode = require(path.join(kafkajsRetryDir, 'defaults.test.js')) as Record<string, number>;

describe('kafkajs retry settings', () => {
  it("are kafkajs's production defaults, whatever NODE_ENV says", () => {
    expect(KAFKAJS_RETRY_DEFAULTS).toEqual(production);
    expect(production).not.toEqual(testMode);
  });

  it('always name every field kafkajs would otherwise take from its NODE_ENV-dependent defaults', () => {
    const fields = Object.keys(testMode).sort();
    expect(Object.keys(pinnedRetry()).sort()).toEqual(fields);
    expect(Object.keys(pinnedRetry({ retries: 1 })).sort()).toEqual(fields);
    const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
    expect(
      Object.keys(toKafkaConfig({ brokers: ['127.0.0.1:9092'], clientId: 'c' }, quiet).retry ?? {}).sort(),
    ).toEqual(fields);
  });
});
