import { defineConfig } from './define-config';
import { describeConfig } from './describe-config';
import { kafkaConfigSpec } from './kafka-config';

describe('describeConfig', () => {
  it('renders one Markdown row per variable', () => {
    const spec = defineConfig({
      HTTP_PORT: {
        schema: { type: 'integer', minimum: 0, maximum: 65535 },
        default: 8080,
        description: 'Port | for metrics.',
      },
      MASKING_KEY: { schema: { type: 'string' }, secret: true, required: true, description: 'HMAC key.' },
      TOPICS: { list: true, schema: { type: 'string' }, default: ['a', 'b'], description: 'Topics.', example: 'x,y' },
      MODE: { schema: { type: 'string', enum: ['fast', 'safe'] }, description: 'Mode.' },
    });
    expect(describeConfig(spec)).toBe(
      [
        '| variable | default | description |',
        '|---|---|---|',
        '| `HTTP_PORT` | `8080` | Port \\| for metrics. Range 0–65535. |',
        '| `MASKING_KEY` or `MASKING_KEY_FILE` | **required** | HMAC key. Secret: never logged; `MASKING_KEY_FILE` may ' +
          'name a file holding it instead. |',
        '| `TOPICS` | `a,b` | Topics. Comma-separated list. Example: `x,y`. |',
        '| `MODE` | unset | Mode. One of `fast`, `safe`. |',
        '',
      ].join('\n'),
    );
  });

  it('leaves out flag-only settings, which have no variable', () => {
    const spec = defineConfig({
      TOPIC: { schema: { type: 'string' }, flag: 'topic', default: 'in', description: 'Topic.' },
      dryRun: { schema: { type: 'boolean' }, flag: 'dry-run', description: 'Dry run.' },
      WAIT: { parse: (text: string) => text.length, default: '2s', description: 'Wait.' },
    });
    expect(describeConfig(spec)).toBe(
      [
        '| variable | default | description |',
        '|---|---|---|',
        '| `TOPIC` | `in` | Topic. |',
        '| `WAIT` | `2s` | Wait. |',
        '',
      ].join('\n'),
    );
  });

  it('documents every Kafka variable', () => {
    const table = describeConfig(kafkaConfigSpec);
    for (const name of Object.keys(kafkaConfigSpec.variables)) expect(table).toContain(`\`${name}\``);
    expect(table).toContain('| `KAFKA_BROKERS` | `127.0.0.1:9092` |');
  });
});
