import net from 'node:net';

// The FindCoordinator API (key 10), version 2, spoken directly: kafkajs finds group coordinators only inside its
// client internals and has no public call for it. Version 2 is the newest non-flexible version (plain int16-length
// strings), which every broker from Kafka 0.11 to 4.x answers.
const FIND_COORDINATOR = 10;
const VERSION = 2;
const KEY_TYPE_GROUP = 0;

export interface FindCoordinatorAnswer {
  readonly correlationId: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

function kafkaString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The request frame: size, header v1 (api key, version, correlation id, client id), body (key, key type). */
export function encodeFindCoordinatorRequest(correlationId: number, clientId: string, groupId: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(FIND_COORDINATOR, 0);
  header.writeInt16BE(VERSION, 2);
  header.writeInt32BE(correlationId, 4);
  const payload = Buffer.concat([header, kafkaString(clientId), kafkaString(groupId), Buffer.from([KEY_TYPE_GROUP])]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** The response after its size prefix: correlation id, throttle time, error code and message, node id, host, port. */
export function decodeFindCoordinatorResponse(response: Buffer): FindCoordinatorAnswer {
  let at = 0;
  const int16 = () => {
    const v = response.readInt16BE(at);
    at += 2;
    return v;
  };
  const int32 = () => {
    const v = response.readInt32BE(at);
    at += 4;
    return v;
  };
  const string = (): string | null => {
    const length = int16();
    if (length < 0) return null;
    const v = response.toString('utf8', at, at + length);
    at += length;
    return v;
  };
  const correlationId = int32();
  int32(); // throttle time
  const errorCode = int16();
  const errorMessage = string();
  const nodeId = int32();
  const host = string() ?? '';
  const port = int32();
  return { correlationId, errorCode, errorMessage, nodeId, host, port };
}

/** Asks the broker at host:port which node coordinates `groupId`; rejects on a socket error or after `timeoutMs`. */
export function findCoordinator(
  address: { host: string; port: number },
  groupId: string,
  timeoutMs = 5000,
): Promise<FindCoordinatorAnswer> {
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  return new Promise((resolve, reject) => {
    const socket = net.connect(address);
    let received = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`FindCoordinator to ${address.host}:${address.port} timed out after ${timeoutMs} ms`)),
    );
    socket.once('error', fail);
    socket.once('connect', () =>
      socket.write(encodeFindCoordinatorRequest(correlationId, 'test-find-coordinator', groupId)),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      const answer = decodeFindCoordinatorResponse(received.subarray(4, 4 + received.readInt32BE(0)));
      if (answer.correlationId !== correlationId)
        reject(new Error(`FindCoordinator answer for correlation id ${answer.correlationId}, not ${correlationId}`));
      else resolve(answer);
    });
  });
}
