// Jest runs CommonJS on Node 20, and Nest 12 ships ES modules. Babel compiles them to CommonJS; this
// plugin covers the ESM-only constructs they use: `import.meta` and dynamic `import()` (rewritten to
// their CommonJS equivalents) and a module-level `const require = createRequire(import.meta.url)`, renamed so it does
// not shadow the `require` calls the CommonJS transform inserts.
module.exports = function importMetaToCjs({ types: t, template }) {
  const url = template.expression.ast`require('node:url').pathToFileURL(__filename).href`;
  const member = (name) => (parent) =>
    parent.isMemberExpression() && t.isIdentifier(parent.node.property, { name });
  return {
    visitor: {
      Program(path) {
        if (path.scope.hasOwnBinding('require')) path.scope.rename('require', '_esmRequire');
      },
      // `import('pkg')` needs jest's experimental ESM mode; a resolved require is equivalent here.
      CallExpression(path) {
        if (!t.isImport(path.node.callee)) return;
        const [spec] = path.node.arguments;
        path.replaceWith(template.expression.ast`Promise.resolve().then(() => require(${spec}))`);
      },
      MetaProperty(path) {
        if (path.node.meta.name !== 'import' || path.node.property.name !== 'meta') return;
        const parent = path.parentPath;
        if (member('url')(parent)) parent.replaceWith(t.cloneNode(url));
        else if (member('dirname')(parent)) parent.replaceWith(t.identifier('__dirname'));
        else if (member('filename')(parent)) parent.replaceWith(t.identifier('__filename'));
        else path.replaceWith(t.objectExpression([t.objectProperty(t.identifier('url'), t.cloneNode(url))]));
      },
    },
  };
};
