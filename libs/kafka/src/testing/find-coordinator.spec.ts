import { decodeFindCoordinatorResponse, encodeFindCoordinatorRequest } from './find-coordinator';

describe('FindCoordinator v2 frames', () => {
  it('encodes size, header (api key 10, version 2, correlation id, client id) and body (group id, key type 0)', () => {
    const frame = encodeFindCoordinatorRequest(7, 'ab', 'grp');
    expect([...frame]).toEqual([
      0,
      0,
      0,
      18, // size of what follows (8 + 4 + 5 + 1)
      0,
      10,
      0,
      2,
      0,
      0,
      0,
      7, // api key, version, correlation id
      0,
      2,
      0x61,
      0x62, // client id "ab"
      0,
      3,
      0x67,
      0x72,
      0x70, // key "grp"
      0, // key type: group
    ]);
  });

  it('decodes correlation id, error, null message, node id, host and port', () => {
    const response = Buffer.concat([
      Buffer.from([0, 0, 0, 7, 0, 0, 0, 0, 0, 0]), // correlation id 7, throttle 0, error 0
      Buffer.from([0xff, 0xff]), // null error message
      Buffer.from([0, 0, 0, 3, 0, 9]), // node id 3, host length 9
      Buffer.from('127.0.0.1'),
      Buffer.from([0, 0, 0x4a, 0xe8]), // port 19176
    ]);
    expect(decodeFindCoordinatorResponse(response)).toEqual({
      correlationId: 7,
      errorCode: 0,
      errorMessage: null,
      nodeId: 3,
      host: '127.0.0.1',
      port: 19176,
    });
  });

  it('decodes an error answer with its message', () => {
    const response = Buffer.concat([
      Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 15, 0, 2]),
      Buffer.from('no'),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff]), // node -1, empty host, port -1
    ]);
    expect(decodeFindCoordinatorResponse(response)).toMatchObject({
      errorCode: 15,
      errorMessage: 'no',
      nodeId: -1,
      host: '',
      port: -1,
    });
  });
});
