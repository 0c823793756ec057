// Every relative link in the repository's Markdown front doors and docs/ must lead somewhere inside the repository
// (a clone has no ../shared/): the file exists and, when the link names a heading (#anchor) in a Markdown file, that
// heading exists (GitHub's anchor rules). Moving a section between files (issue 22: README → docs/) breaks links
// silently otherwise.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const checked = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'apps/processor/README.md',
  'apps/generator/README.md',
  'apps/dlq-replayer/README.md',
  'docker/README.md',
  'patches/README.md',
  'tools/bench/README.md',
  'tools/bench/results/README.md',
];

/** Markdown without fenced code blocks and inline code, where link syntax is only text. */
function prose(markdown) {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
export function anchors(markdown) {
  const seen = new Map();
  const result = new Set();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** The relative link targets of a Markdown file: [text](target) and ![alt](target), without URLs. */
function relativeLinks(markdown) {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map(([, target]) => target)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

test('anchors follow GitHub: punctuation dropped, spaces as dashes, repeats numbered', () => {
  assert.deepEqual(
    [
      ...anchors(
        '# Docker Compose (the Docker path; `npm start`)\n## `KAFKA_BROKERS`\n## Layout\n## Layout\n```\n# no\n```\n',
      ),
    ],
    ['docker-compose-the-docker-path-npm-start', 'kafka_brokers', 'layout', 'layout-1'],
  );
});

for (const file of checked) {
  test(`${file}: every relative link leads to an existing file and heading`, () => {
    const markdown = fs.readFileSync(path.join(root, file), 'utf8');
    const broken = [];
    for (const target of relativeLinks(markdown)) {
      const [pathPart, anchor] = target.split('#');
      const resolved = pathPart
        ? path.resolve(path.dirname(path.join(root, file)), decodeURI(pathPart))
        : path.join(root, file);
      if (path.relative(root, resolved).startsWith('..')) {
        broken.push(`${target} (outside the repository: a clone does not have it)`);
        continue;
      }
      if (!fs.existsSync(resolved)) {
        broken.push(`${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${target} (no such heading)`);
      }
    }
    assert.deepEqual(broken, [], `${file} has broken links`);
  });
}
