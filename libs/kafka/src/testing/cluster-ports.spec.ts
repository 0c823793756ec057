import { CLUSTER_BASE_PORTS, clusterPorts } from './cluster-ports';

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
