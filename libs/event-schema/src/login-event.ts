import type { IpAddress } from './ip-address';
import type { LoginEvent } from './types';

/**
 * Gives a normalised event its parsed address (`LoginEvent.address`), not enumerable so that the event's keys, its
 * JSON and its copies stay the contract's fields. Writes to and returns `fields`.
 */
export function withAddress(fields: Omit<LoginEvent, 'address'>, address: IpAddress): LoginEvent {
  return Object.defineProperty(fields, 'address', { value: address, enumerable: false }) as LoginEvent;
}
