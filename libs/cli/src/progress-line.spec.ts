import { createProgressLine, renderBar } from './progress-line';

function terminal(columns?: number) {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY: true, ...(columns === undefined ? {} : { columns }), write: (text: string) => written.push(text) },
  };
}

describe('createProgressLine', () => {
  it('redraws in place and ends with one newline after the last draw', () => {
    const { written, stream } = terminal();
    const line = createProgressLine(stream);
    line.draw('one');
    line.draw('two');
    line.finish();
    line.finish();
    expect(written).toEqual(['\r\x1b[2Kone', '\r\x1b[2Ktwo', '\n']);
  });

  it('writes nothing at the end when it never drew', () => {
    const { written, stream } = terminal();
    createProgressLine(stream).finish();
    expect(written).toEqual([]);
  });

  it('skips draws closer than the interval unless forced', () => {
    let now = 1_000;
    const { written, stream } = terminal();
    const line = createProgressLine(stream, { minIntervalMs: 100, now: () => now });
    line.draw('a');
    now += 50;
    line.draw('b');
    line.draw('c', true);
    now += 100;
    line.draw('d');
    expect(written).toEqual(['\r\x1b[2Ka', '\r\x1b[2Kc', '\r\x1b[2Kd']);
  });

  it('reads the terminal width, 100 when unknown or implausibly narrow', () => {
    expect(createProgressLine(terminal(132).stream).columns()).toBe(132);
    expect(createProgressLine(terminal(10).stream).columns()).toBe(100);
    expect(createProgressLine(terminal().stream).columns()).toBe(100);
  });
});

describe('renderBar', () => {
  it.each([
    [0, '[░░░░░░░░░░]'],
    [0.25, '[███░░░░░░░]'],
    [1, '[██████████]'],
    [1.5, '[██████████]'],
    [-1, '[░░░░░░░░░░]'],
  ])('%p of 10 cells', (fraction, bar) => {
    expect(renderBar(fraction, 10)).toBe(bar);
  });
});
