import { DLQ_TOPIC_CONFIG } from './topic-configs';

describe('DLQ_TOPIC_CONFIG (the DLQ and parked topics)', () => {
  it.each([
    ['max.message.bytes', '2097152'],
    ['retention.ms', String(7 * 24 * 60 * 60 * 1000)],
  ])('sets %s to %s explicitly', (name, value) => {
    expect(DLQ_TOPIC_CONFIG[name]).toBe(value);
  });

  it('is frozen: callers cannot change what the topics are created with', () => {
    expect(Object.isFrozen(DLQ_TOPIC_CONFIG)).toBe(true);
  });
});
