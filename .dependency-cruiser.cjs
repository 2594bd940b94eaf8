// The layering rule of SPEC.md "Architecture", checked in CI (scripts/test.sh):
//   src/cli/                 the CLI: top, may import anything below
//   workspaces/   proxy/     the workspace manager and the proxy: beside each other, never each other
//   src/adapters/            Docker, git, config, TLS: import only the model and each other
//   src/model/               the shared model: imports nothing of dual's outside itself
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'nothing-imports-the-cli',
      comment: 'The CLI is the top layer; only the CLI itself imports it.',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'manager-not-proxy',
      comment: 'The workspace manager and the proxy sit beside each other; the CLI composes them.',
      severity: 'error',
      from: { path: '^workspaces/' },
      to: { path: '^proxy/' },
    },
    {
      name: 'proxy-not-manager',
      severity: 'error',
      from: { path: '^proxy/' },
      to: { path: '^workspaces/' },
    },
    {
      name: 'adapters-only-down',
      comment: 'Adapters (Docker, git, config, TLS) import only the model and other adapters.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^(workspaces|proxy|src/cli)/' },
    },
    {
      name: 'model-at-the-bottom',
      comment: 'The shared model imports nothing of dual outside itself.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^(workspaces|proxy|src/cli|src/adapters)/' },
    },
    {
      name: 'no-stray-source',
      comment: 'Every source file sits in one of the layers above.',
      severity: 'error',
      from: { path: '^src/[^/]+$' },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/|^proxy/dashboard/client/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
