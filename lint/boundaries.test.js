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
      // lead: expect severity 2 once the rule is an error
      ['server/src/modules/eta/eta.service.ts:1', 'boundaries/module-front-door', 1],
      ['server/src/modules/eta/eta.service.ts:4', 'boundaries/module-front-door', 1],
      ['server/src/modules/eta/eta.service.ts:5', 'boundaries/module-front-door', 1],
      ['server/src/services.ts:1', 'boundaries/module-front-door', 1],
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
  const cycle = (dir) => ({
    [`${dir}/a.ts`]: "import { b } from './b.js';\nexport const a = (): number => b + 1;\n",
    [`${dir}/b.ts`]: "import { a } from './a.js';\nexport const b = 1;\nexport const twice = (): number => a() * 2;\n",
    // A type-only import closes no cycle: it is gone at run time.
    [`${dir}/c.ts`]: "import type { D } from './d.js';\nexport type C = { d?: D };\nexport const c = 1;\n",
    [`${dir}/d.ts`]: "import { c } from './c.js';\nexport type D = number;\nexport const d = c;\n",
  });

  it('are errors in the apps, across extensionless imports', async () => {
    const found = await lint(
      {
        'portal-web/src/lib/a.tsx': "import { b } from './b';\nexport const a = () => b;\n",
        'portal-web/src/lib/b.ts': "import { a } from './a';\nexport const b = 1;\nexport const again = a;\n",
      },
      'import-x/no-cycle',
    );
    expect(found).toEqual([
      ['portal-web/src/lib/a.tsx:1', 'import-x/no-cycle', 2],
      ['portal-web/src/lib/b.ts:1', 'import-x/no-cycle', 2],
    ]);
  });

  it('are errors in web-shared, e2e and bench, and found behind `.js` specifiers of `.ts` files', async () => {
    const found = await lint({ ...cycle('web-shared/src'), ...cycle('e2e/support') }, 'import-x/no-cycle');
    expect(found).toEqual([
      ['web-shared/src/a.ts:1', 'import-x/no-cycle', 2],
      ['web-shared/src/b.ts:1', 'import-x/no-cycle', 2],
      ['e2e/support/a.ts:1', 'import-x/no-cycle', 2],
      ['e2e/support/b.ts:1', 'import-x/no-cycle', 2],
    ]);
    const bench = await lint(
      {
        'bench/a.mjs': "import { b } from './b.mjs';\nexport const a = () => b;\n",
        'bench/b.mjs': "import { a } from './a.mjs';\nexport const b = 1;\nexport const again = a;\n",
      },
      'import-x/no-cycle',
    );
    expect(bench).toEqual([
      ['bench/a.mjs:1', 'import-x/no-cycle', 2],
      ['bench/b.mjs:1', 'import-x/no-cycle', 2],
    ]);
  });

  it('are reported in the server', async () => {
    const found = await lint(cycle('server/src/graphql'), 'import-x/no-cycle');
    expect(found).toEqual([
      // lead: expect severity 2 once the rule is an error
      ['server/src/graphql/a.ts:1', 'import-x/no-cycle', 1],
      ['server/src/graphql/b.ts:1', 'import-x/no-cycle', 1],
    ]);
  });
});
