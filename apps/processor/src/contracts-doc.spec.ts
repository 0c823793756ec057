// docs/contracts.md documents what the event-schema library decides: every reason code, stage and dead letter header must be
// named there (a new one without documentation fails here).
import fs from 'node:fs';
import path from 'node:path';
import { DLQ_HEADERS, REASON_CODES, STAGES } from '@login/event-schema';

const CONTRACTS = fs.readFileSync(path.resolve(__dirname, '../../../docs/contracts.md'), 'utf8');

describe('docs/contracts.md', () => {
  it.each([...REASON_CODES])('documents the reason code %s in the reason code table', (reason) => {
    expect(CONTRACTS).toMatch(new RegExp(`^\\| \`${reason}\` \\|`, 'm'));
  });

  it.each([...STAGES])('names the stage %s', (stage) => {
    expect(CONTRACTS).toContain(`\`${stage}\``);
  });

  it.each(Object.values(DLQ_HEADERS))('documents the header %s', (header) => {
    expect(CONTRACTS).toContain(`\`${header}\``);
  });
});
