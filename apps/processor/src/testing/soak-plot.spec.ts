import { rssQuarters, soakPlot } from './soak-plot';

const samples = [
  { t: 0, lag: 0, rssMiB: 100 },
  { t: 600, lag: 500, rssMiB: 110 },
  { t: 1200, lag: 100, rssMiB: 120 },
  { t: 1800, lag: 0, rssMiB: 130 },
];

describe('soakPlot', () => {
  it('draws both series over the whole run and shades every fault, with its name escaped', () => {
    const svg = soakPlot(samples, [{ name: 'latency <500 ms>', from: 300, to: 360 }], 'soak & faults');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('<title>latency &#60;500 ms&#62;</title>');
    expect(svg).toContain('soak &#38; faults');
    // The first point of the lag line sits on the left axis at 0; the last on the right edge.
    expect(svg).toContain('points="60.0,280.0');
    expect(svg).toContain('840.0,280.0"');
    expect(svg).toContain('>500<'); // the lag axis is labelled with its maximum
  });
});

describe('rssQuarters', () => {
  it('compares the mean RSS of the last quarter of the samples with the first', () => {
    expect(rssQuarters(samples)).toEqual({ first: 100, last: 130, change: 0.3 });
  });
});
