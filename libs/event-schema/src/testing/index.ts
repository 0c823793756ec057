// Fixtures for tests only (import from '@login/event-schema/testing' in *.spec.ts): the example event of DESIGN.md §2,
// as the upstream service sends it and as parseLoginEvent normalises it.
import type { LoginEvent, RawLoginEvent } from '../types';

export const DESIGN_EXAMPLE_INPUT: Readonly<RawLoginEvent> = Object.freeze({
  user_id: '424cdd21-063a-43a7-b91b-7ca1a833afae',
  app_version: '2.3.0',
  device_type: 'android',
  ip: '199.172.111.135',
  locale: 'RU',
  device_id: '593-47-5928',
  timestamp: '1694479551',
});

export const DESIGN_EXAMPLE_EVENT: Readonly<LoginEvent> = Object.freeze({
  user_id: '424cdd21-063a-43a7-b91b-7ca1a833afae',
  app_version: '2.3.0',
  device_type: 'android',
  ip: '199.172.111.135',
  ip_version: 4,
  locale: 'RU',
  device_id: '593-47-5928',
  event_time_ms: 1_694_479_551_000,
});
