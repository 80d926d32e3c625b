// The repository's eslint.config.js, run on small trees written to a temporary folder laid out
// like the repository, must report each boundary and cycle: a rule that stops firing (a moved
// folder, a changed glob, a resolver that no longer finds `.ts` behind `.js`) fails here.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterEach, describe, expect, it } from 'vitest';

const config = join(dirname(fileURLToPath(import.meta.url)), '..', 'eslint.config.js');
const roots = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` under a fresh folder and lints them with the repository's config: [file:line, rule, severity]. */
async function lint(files, rule) {
  const root = mkdtempSync(join(tmpdir(), 'sorae-lint-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  // With a config file named, ESLint 9 reads its globs relative to cwd: the temporary tree.
  const eslint = new ESLint({ cwd: root, overrideConfigFile: config });
  const results = await eslint.lintFiles(Object.keys(files));
  return results.flatMap((r) =>
    r.messages.filter((m) => m.ruleId === rule || m.fatal).map((m) => [`${relative(root, r.filePath)}:${m.line}`, m.ruleId, m.severity]),
  );
}

describe('server modules are entered through their index.ts', () => {
  it('reports imports, re-exports and import() into another module, for any module name', async () => {
    const found = await lint(
      {
        'server/src/modules/zeta/index.ts': "export { hidden } from './hidden.js';\n",
        'server/src/modules/zeta/hidden.ts': "import { TENANT } from '../tenancy.js';\nexport const hidden = TENANT;\n",
        'server/src/modules/zeta/deep/part.ts': "import { hidden } from '../hidden.js';\nexport const part = hidden;\n",
        'server/src/modules/tenancy.ts': 'export const TENANT = 1;\n',
        'server/src/modules/eta/eta.service.ts': [
          "import { hidden } from '../zeta/hidden.js';",
          "import { hidden as viaDoor } from '../zeta/index.js';",
          "import * as door from '../zeta';",
          "export { part } from '../zeta/deep/part.js';",
          "export const later = () => import('../zeta/hidden.js');",
          'export const both = [hidden, viaDoor, door];',
          '',
        ].join('\n'),
        'server/src/services.ts': "import { hidden } from './modules/zeta/hidden.js';\nexport const services = hidden;\n",
      },
      'boundaries/module-front-door',
    );
    expect(found).toEqual([
      ['server/src/modules/eta/eta.service.ts:1', 'boundaries/module-front-door', 2],
      ['server/src/modules/eta/eta.service.ts:4', 'boundaries/module-front-door', 2],
      ['server/src/modules/eta/eta.service.ts:5', 'boundaries/module-front-door', 2],
      ['server/src/services.ts:1', 'boundaries/module-front-door', 2],
    ]);
  });
});

describe('SPA features never import another feature', () => {
  it('reports a feature reaching into another, in either app, and lets app/ and lib/ be shared', async () => {
    const found = await lint(
      {
        'admin-web/src/features/alpha/routes/AlphaRoute.tsx': [
          "import { Beta } from '../../beta/components/Beta';",
          "import { own } from '../api/own';",
          "import { shared } from '../../../lib/shared';",
          'export const AlphaRoute = () => [Beta, own, shared];',
          '',
        ].join('\n'),
        'admin-web/src/features/alpha/api/own.ts': 'export const own = 1;\n',
        'admin-web/src/features/beta/components/Beta.tsx': "export const Beta = 'beta';\n",
        'admin-web/src/lib/shared.ts': 'export const shared = 1;\n',
        'admin-web/src/app/router.tsx':
          "import { AlphaRoute } from '../features/alpha/routes/AlphaRoute';\nimport { Beta } from '../features/beta/components/Beta';\nexport const routes = [AlphaRoute, Beta];\n",
        'portal-web/src/features/gamma/index.ts': "export { delta } from '../delta';\n",
        'portal-web/src/features/delta/index.ts': 'export const delta = 1;\n',
      },
      'boundaries/feature-isolation',
    );
    expect(found).toEqual([
      ['admin-web/src/features/alpha/routes/AlphaRoute.tsx:1', 'boundaries/feature-isolation', 2],
      ['portal-web/src/features/gamma/index.ts:1', 'boundaries/feature-isolation', 2],
    ]);
  });
});

describe('import cycles', () => {
  // a ⇄ b, each importing the other by `spec(file)`: how the workspace writes its imports.
  const cycle = (dir, [a, b], spec) => ({
    [`${dir}/${a}`]: `import { b } from '${spec(b)}';\nexport const a = () => b;\n`,
    [`${dir}/${b}`]: `import { a } from '${spec(a)}';\nexport const b = 1;\nexport const again = a;\n`,
  });
  const nodeNext = (file) => `./${file.replace(/\.ts$/, '.js')}`;
  const bundler = (file) => `./${file.replace(/\.tsx?$/, '')}`;
  const asWritten = (file) => `./${file}`;
  const reportedIn = (dir, [a, b], severity) => [
    [`${dir}/${a}:1`, 'import-x/no-cycle', severity],
    [`${dir}/${b}:1`, 'import-x/no-cycle', severity],
  ];

  it('are errors outside the server: the apps, web-shared, e2e, bench, found behind extensionless and `.js` specifiers', async () => {
    const found = await lint(
      {
        ...cycle('portal-web/src/lib', ['a.tsx', 'b.ts'], bundler),
        ...cycle('web-shared/src', ['a.ts', 'b.ts'], nodeNext),
        ...cycle('e2e/support', ['a.ts', 'b.ts'], nodeNext),
        ...cycle('bench', ['a.mjs', 'b.mjs'], asWritten),
        // A type-only import closes no cycle: it is gone at run time.
        'web-shared/src/c.ts': "import type { D } from './d.js';\nexport type C = { d?: D };\nexport const c = 1;\n",
        'web-shared/src/d.ts': "import { c } from './c.js';\nexport type D = number;\nexport const d = c;\n",
      },
      'import-x/no-cycle',
    );
    expect(found.sort()).toEqual(
      [
        ...reportedIn('portal-web/src/lib', ['a.tsx', 'b.ts'], 2),
        ...reportedIn('web-shared/src', ['a.ts', 'b.ts'], 2),
        ...reportedIn('e2e/support', ['a.ts', 'b.ts'], 2),
        ...reportedIn('bench', ['a.mjs', 'b.mjs'], 2),
      ].sort(),
    );
  });

  it('are reported in the server', async () => {
    const found = await lint(cycle('server/src/graphql', ['a.ts', 'b.ts'], nodeNext), 'import-x/no-cycle');
    expect(found).toEqual(reportedIn('server/src/graphql', ['a.ts', 'b.ts'], 2));
  });
});
