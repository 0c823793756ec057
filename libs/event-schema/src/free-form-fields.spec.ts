import fc from 'fast-check';
import { isAppVersion, isDeviceType, isLocale } from './field-schemas';
import { isIpAddress } from './ip-address';
import { CONTRACT_EXAMPLE_INPUT } from './testing';
import { validateInputEvent } from './validators';

// device_type, app_version and locale reach the output, metric labels and the summary log: whatever passes the
// schema there must hold no IP address, control character or lone surrogate.
const FIELDS = ['device_type', 'app_version', 'locale'] as const;

const accepted = (field: (typeof FIELDS)[number], value: string) =>
  validateInputEvent({ ...CONTRACT_EXAMPLE_INPUT, [field]: value }).ok;

/** Every substring of `text` split at characters an address cannot contain, checked as an address. */
function holdsIpAddress(text: string): boolean {
  return text.split(/[^0-9A-Fa-f.:]+/).some((part) => {
    for (let i = 0; i < part.length; i++)
      for (let j = i + 2; j <= part.length; j++) if (isIpAddress(part.slice(i, j))) return true;
    return false;
  });
}

// Text built from the pieces hostile values are made of: address fragments, separators, controls, lone surrogates.
const hostilePiece = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom(
    '.',
    ':',
    '-',
    '_',
    ' ',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u0085',
    '\udfff',
    '\ud800',
    'android',
    'en',
    'US',
    '2',
    '3',
  ),
  fc.stringMatching(/^[0-9]{1,4}$/),
  fc.stringMatching(/^[A-Za-z]{1,5}$/),
);
const hostileText = fc.array(hostilePiece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

describe('free-form fields (device_type, app_version, locale)', () => {
  it.each(FIELDS)(
    '%s: nothing the schema accepts holds an IP address, a control character or a lone surrogate (property)',
    (field) => {
      fc.assert(
        fc.property(hostileText, (value) => {
          if (!accepted(field, value)) return;
          expect(holdsIpAddress(value)).toBe(false);
          expect(/[\p{Cc}\p{Cs}]/u.test(value)).toBe(false);
        }),
        { numRuns: 2000 },
      );
    },
  );

  it.each(FIELDS)('%s: a value holding an IPv4 address is rejected wherever the address sits (property)', (field) => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,4}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,4}$/),
        (ip, before, after) => {
          expect(accepted(field, `${before}${ip}${after}`)).toBe(false);
        },
      ),
    );
  });

  it('the exported checks agree with the schema (they guard metric labels)', () => {
    const checks = { device_type: isDeviceType, app_version: isAppVersion, locale: isLocale };
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), fc.oneof(hostileText, fc.string({ maxLength: 40 })), (field, value) => {
        expect(checks[field](value)).toBe(accepted(field, value));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['device_type', ['android', 'iOS', 'unknown', 'smart-tv', 'web_app', 'A', 'a'.repeat(32)]],
    ['app_version', ['2.3.0', '1.9.12', '3.0', '0.0.1', '999999.999999.999999']],
    ['locale', ['RU', 'US', 'en', 'en-US', 'pt_BR', 'zh-Hant-TW', 'es-419', 'fil-PH', 'sr-Latn']],
  ] as const)('%s accepts the shapes real clients send', (field, values) => {
    for (const value of values) expect(accepted(field, value)).toBe(true);
  });
});
