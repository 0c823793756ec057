// Fixtures for tests only (import from '@login/event-schema/testing' in *.spec.ts): the example event of docs/contracts.md "Input event",
// as the upstream service sends it and as parseLoginEvent normalises it.
import { parseIpAddress } from '../ip-address';
import type { IpAddress } from '../ip-address';
import { withAddress } from '../login-event';
import { OUTPUT_SCHEMA_VERSION } from '../output-schema';
import type { LoginEvent, ProcessedLoginEvent, RawLoginEvent } from '../types';
import table from './ip-address-table.json';

export const CONTRACT_EXAMPLE_INPUT: Readonly<RawLoginEvent> = Object.freeze({
  user_id: '424cdd21-063a-43a7-b91b-7ca1a833afae',
  app_version: '2.3.0',
  device_type: 'android',
  ip: '199.172.111.135',
  locale: 'RU',
  device_id: '593-47-5928',
  timestamp: '1694479551',
});

export const CONTRACT_EXAMPLE_EVENT: Readonly<LoginEvent> = Object.freeze(
  withAddress(
    {
      user_id: '424cdd21-063a-43a7-b91b-7ca1a833afae',
      app_version: '2.3.0',
      device_type: 'android',
      ip: '199.172.111.135',
      ip_version: 4,
      locale: 'RU',
      device_id: '593-47-5928',
      event_time_ms: 1_694_479_551_000,
    },
    parseIpAddress('199.172.111.135') as IpAddress,
  ),
);

/**
 * The example event's output record (docs/contracts.md "Output event") when it is read at user-login/0/42, processed 250 ms after its event
 * time, its ip truncated and its device id pseudonymised under key id `k1` (secret `test-secret`).
 */
export const CONTRACT_EXAMPLE_OUTPUT: Readonly<ProcessedLoginEvent> = Object.freeze({
  event_id: 'b4435276-affa-8030-9d0f-354a37f87023',
  user_id: '424cdd21-063a-43a7-b91b-7ca1a833afae',
  app_version: '2.3.0',
  device_type: 'android',
  locale: 'RU',
  device_id: 'k1.v2:JgcrAiRf9yb7uMB_ZIMEj5',
  ip: '199.172.111.0',
  ip_version: 4,
  event_time: '2023-09-12T00:45:51.000Z',
  processed_at: '2023-09-12T00:45:51.250Z',
  latency_ms: 250,
  schema_version: OUTPUT_SCHEMA_VERSION,
});

/**
 * Addresses with what the pipeline makes of them, checked against Python's `ipaddress` when the table was written:
 * `valid` rows are [text, canonical text, version, truncation (/24, /48, or /40 for 6to4)], `invalid` rows are
 * [why, text]. Every test of IP handling reads this one table.
 */
export const IP_ADDRESS_TABLE = table as unknown as {
  readonly valid: ReadonlyArray<readonly [text: string, canonical: string, version: 4 | 6, truncated: string]>;
  readonly invalid: ReadonlyArray<readonly [why: string, text: string]>;
};
