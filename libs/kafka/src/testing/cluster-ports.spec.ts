import { CLUSTER_BASE_PORTS, clusterPorts, portOffset } from './cluster-ports';

describe('CLUSTER_BASE_PORTS', () => {
  it('gives every test file a cluster whose broker and controller ports no other file uses', () => {
    const owner = new Map<number, string>();
    const clashes: string[] = [];
    for (const [name, base] of Object.entries(CLUSTER_BASE_PORTS)) {
      for (const port of clusterPorts(base)) {
        const other = owner.get(port);
        if (other) clashes.push(`${name} and ${other} both use ${port}`);
        owner.set(port, name);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('stays below the ports the default broker (9092) and the ephemeral range use', () => {
    for (const base of Object.values(CLUSTER_BASE_PORTS)) {
      expect(Math.min(...clusterPorts(base))).toBeGreaterThan(9094);
      expect(Math.max(...clusterPorts(base))).toBeLessThan(32768);
    }
  });
});

describe('TEST_CLUSTER_PORT_OFFSET', () => {
  it('is a multiple of 100 up to 2000 (every cluster then stays below the ephemeral range), 0 when unset', () => {
    expect(portOffset(undefined)).toBe(0);
    expect(portOffset('1000')).toBe(1000);
    expect(() => portOffset('50')).toThrow('TEST_CLUSTER_PORT_OFFSET');
    expect(() => portOffset('3000')).toThrow('TEST_CLUSTER_PORT_OFFSET');
    for (const base of Object.values(CLUSTER_BASE_PORTS))
      expect(Math.max(...clusterPorts(base + 2000))).toBeLessThan(32768);
  });
});
