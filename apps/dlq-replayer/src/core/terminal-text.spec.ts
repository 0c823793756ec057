import { displayBytes, escapeText, truncateText } from './terminal-text';

describe('escapeText (record text an operator terminal cannot misread)', () => {
  it.each([
    ['plain text and UTF-8 stay', 'user-1 é ü 日本', 'user-1 é ü 日本'],
    ['an ANSI colour escape is shown, not interpreted', 'a\u001b[31mred\u001b[0m', 'a\\x1b[31mred\\x1b[0m'],
    ['a newline cannot forge a line', 'key\nDLQ x: 0 record(s)', 'key\\nDLQ x: 0 record(s)'],
    ['carriage return and tab', 'a\rb\tc', 'a\\rb\\tc'],
    ['NUL, BEL, backspace and DEL', '\u0000\u0007\b\u007f', '\\x00\\x07\\x08\\x7f'],
    ['a C1 CSI (U+009B)', 'x\u009b2J', 'x\\x9b2J'],
    ['bidi override and isolate', 'abc\u202efed\u2066', 'abc\\u{202e}fed\\u{2066}'],
    ['zero-width characters and BOM', 'a\u200bb\ufeff', 'a\\u{200b}b\\u{feff}'],
    ['a backslash is doubled, so escapes stay unambiguous', 'C:\\x1b', 'C:\\\\x1b'],
  ])('%s', (_, input, expected) => expect(escapeText(input)).toBe(expected));
});

describe('displayBytes', () => {
  it('escapes UTF-8 bytes', () =>
    expect(displayBytes(Buffer.from('k\u001b]0;title\u0007'))).toBe('k\\x1b]0;title\\x07'));
  it('shows bytes that are not UTF-8 as base64', () =>
    expect(displayBytes(Buffer.from([0xc3, 0x28, 0x1b]))).toBe('base64:wygb'));
  it('cuts long text and says how much is left out', () =>
    expect(displayBytes(Buffer.from('abcdef'), 4)).toBe('abcd… (2 more characters)'));
  it('escapes after cutting, so the cut text holds no raw control either', () =>
    expect(displayBytes(Buffer.from('ab\ncd'), 3)).toBe('ab\\n… (2 more characters)'));
  it('leaves short text whole', () => expect(truncateText('abc', 3)).toBe('abc'));
});
