// Import rules for Sorae's folder boundaries. Both rules read paths only (no resolver): every
// relative import is resolved against the importing file and placed by its path segments, so they
// hold for any module or feature name, including folders created after this file was written.
import path from 'node:path';

const ENTRY = /^index(\.[cm]?[jt]sx?)?$/;

/** Where `file` sits under the first `<dir>/` in its path: its folder there and the path inside it, or null. */
function placeIn(dir, file) {
  const marker = `/${dir}/`;
  const posix = file.split(path.sep).join('/');
  const at = posix.indexOf(marker);
  if (at < 0) return null;
  const [folder, ...rest] = posix.slice(at + marker.length).split('/');
  // A file directly in <dir> (e.g. modules/tenancy.ts) belongs to no folder.
  return rest.length > 0 || !/\.[cm]?[jt]sx?$/.test(folder) ? { folder, rest: rest.join('/') } : null;
}

/** Calls `check(specifierNode, targetPath)` for every relative import, re-export and import(). */
function relativeImports(context, check) {
  const visit = (source) => {
    if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
    if (!/^\.\.?(\/|$)/.test(source.value)) return;
    check(source, path.resolve(path.dirname(context.physicalFilename), source.value));
  };
  return {
    ImportDeclaration: (node) => visit(node.source),
    ExportNamedDeclaration: (node) => visit(node.source),
    ExportAllDeclaration: (node) => visit(node.source),
    ImportExpression: (node) => visit(node.source),
  };
}

const dirOption = {
  type: 'object',
  properties: { dir: { type: 'string' } },
  required: ['dir'],
  additionalProperties: false,
};

/** Each folder of `dir` is a module: from outside it, only its index (its front door) is imported. */
const moduleFrontDoor = {
  meta: {
    type: 'problem',
    docs: { description: 'A module is entered from outside only through its index.ts' },
    schema: [dirOption],
    messages: {
      inside: "'{{source}}' reaches inside module '{{module}}': import '{{module}}/index.js' and export what is needed there",
    },
  },
  create(context) {
    const { dir } = context.options[0];
    const from = placeIn(dir, context.physicalFilename);
    return relativeImports(context, (source, target) => {
      const to = placeIn(dir, target);
      if (!to || to.folder === from?.folder || to.rest === '' || ENTRY.test(to.rest)) return;
      context.report({ node: source, messageId: 'inside', data: { source: source.value, module: to.folder } });
    });
  },
};

/** Each folder of `dir` is a feature, and no feature imports another. */
const featureIsolation = {
  meta: {
    type: 'problem',
    docs: { description: 'A feature never imports another feature' },
    schema: [dirOption],
    messages: {
      other: "Feature '{{feature}}' imports feature '{{other}}' ('{{source}}'): move what both use to app/, lib/, gql/ or web-shared",
    },
  },
  create(context) {
    const { dir } = context.options[0];
    const from = placeIn(dir, context.physicalFilename);
    if (!from) return {};
    return relativeImports(context, (source, target) => {
      const to = placeIn(dir, target);
      if (!to || to.folder === from.folder) return;
      context.report({
        node: source,
        messageId: 'other',
        data: { feature: from.folder, other: to.folder, source: source.value },
      });
    });
  },
};

export default {
  meta: { name: 'sorae-boundaries' },
  rules: { 'module-front-door': moduleFrontDoor, 'feature-isolation': featureIsolation },
};
