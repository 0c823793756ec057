import { ReadinessTracker, reasonCodes } from './readiness';

function tracker(producer = { connected: true }) {
  const changes: Array<[boolean, string | undefined]> = [];
  const r = new ReadinessTracker({
    producerConnected: () => producer.connected,
    onChange: (ready, reason) => changes.push([ready, reason]),
  });
  return { r, changes, producer };
}

describe('ReadinessTracker', () => {
  it('is ready once started and joined with a connected producer, and reports each change once', () => {
    const { r, changes } = tracker();
    expect(r.current()).toEqual({ ready: false, reasons: ['not started', 'consumer has not joined the group'] });
    r.setJoined(true);
    r.setStarted(true);
    r.setStarted(true);
    expect(r.current()).toEqual({ ready: true, reasons: [] });
    r.setStopping();
    expect(changes).toEqual([
      [true, undefined],
      [false, 'stopping'],
    ]);
  });

  it('is not ready while a partition retries, and ready again when its chunk settles', () => {
    const { r, changes } = tracker();
    r.setStarted(true);
    r.setJoined(true);
    r.retryingPartition('in', 2, 'send CONNECTION_ERROR');
    r.retryingPartition('in', 2, 'send CONNECTION_ERROR');
    expect(r.current().reasons).toEqual(['retrying in/2: send CONNECTION_ERROR']);
    r.settled('in', 2);
    r.settled('in', 2);
    expect(changes).toEqual([
      [true, undefined],
      [false, 'retrying in/2: send CONNECTION_ERROR'],
      [true, undefined],
    ]);
  });

  it('forgets a retrying partition that a rebalance took away, so readiness recovers after revocation', () => {
    const { r } = tracker();
    r.setStarted(true);
    r.setJoined(true);
    r.retryingPartition('in', 0, 'commit REQUEST_TIMEOUT');
    r.retryingPartition('in', 1, 'send CONNECTION_ERROR');
    r.assigned((topic, partition) => topic === 'in' && partition === 1);
    expect(r.current().reasons).toEqual(['retrying in/1: send CONNECTION_ERROR']);
    r.assigned(() => false);
    expect(r.current()).toEqual({ ready: true, reasons: [] });
  });

  it('asks the producer at every question, and keeps the first fatal code', () => {
    const { r, producer } = tracker();
    r.setStarted(true);
    r.setJoined(true);
    producer.connected = false;
    expect(r.current().reasons).toEqual(['producer not connected']);
    r.setFatal('MESSAGE_TOO_LARGE');
    r.setFatal('OTHER');
    expect(r.current().reasons[0]).toBe('fatal error: MESSAGE_TOO_LARGE');
  });

  it('shows codes only, never the text of an error', () => {
    const { r } = tracker();
    r.setStarted(true);
    r.setJoined(true);
    r.retryingPartition('in', 1, 'send connect ECONNREFUSED 10.1.2.3:9092');
    r.setFatal('Broker 10.1.2.3 said: {"device_id":"593-47-5928"}');
    const shown = r.current().reasons.join('\n');
    expect(r.current().reasons).toEqual(['fatal error: UNKNOWN', 'retrying in/1: UNKNOWN']);
    expect(shown).not.toContain('10.1.2.3');
    expect(shown).not.toContain('593-47-5928');
  });
});

describe('reasonCodes', () => {
  it.each([
    ['MESSAGE_TOO_LARGE', 'MESSAGE_TOO_LARGE'],
    ['send CONNECTION_ERROR', 'send CONNECTION_ERROR'],
    ['commit-offsets REQUEST_TIMEOUT', 'commit-offsets REQUEST_TIMEOUT'],
    ['bad 1.2.3.4', 'UNKNOWN'],
    ['connect ECONNREFUSED to', 'UNKNOWN'],
    ['x\u001b[2J', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    ['A'.repeat(65), 'UNKNOWN'],
  ])('%j shows as %j', (why, shown) => {
    expect(reasonCodes(why)).toBe(shown);
  });
});
