// Jest runs CommonJS on Node 20; Nest 12 ships ESM that reads import.meta.url. Rewrite it to the CJS equivalent.
module.exports = function importMetaToCjs({ types: t, template }) {
  const url = template.expression.ast`require('node:url').pathToFileURL(__filename).href`;
  return {
    visitor: {
      MetaProperty(path) {
        if (path.node.meta.name !== 'import' || path.node.property.name !== 'meta') return;
        const parent = path.parentPath;
        if (parent.isMemberExpression() && t.isIdentifier(parent.node.property, { name: 'url' })) parent.replaceWith(t.cloneNode(url));
        else if (parent.isMemberExpression() && t.isIdentifier(parent.node.property, { name: 'dirname' })) parent.replaceWith(t.identifier('__dirname'));
        else if (parent.isMemberExpression() && t.isIdentifier(parent.node.property, { name: 'filename' })) parent.replaceWith(t.identifier('__filename'));
        else path.replaceWith(t.objectExpression([t.objectProperty(t.identifier('url'), t.cloneNode(url))]));
      },
    },
  };
};
