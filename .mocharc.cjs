// The full suite runs in this order: browser first in a fresh process, the heavy bench last
// (a new test folder must be added here). Spec files named on the command line
// (`npx mocha test/unit/x.test.ts`) run alone: mocha would otherwise add them to this list.
const SUITE = [
  "test/browser/**/*.test.ts",
  "test/unit/**/*.test.ts",
  "test/sdk/**/*.test.ts",
  "test/fanout/**/*.test.ts",
  "test/rooms/**/*.test.ts",
  "test/auth/**/*.test.ts",
  "test/limits/**/*.test.ts",
  "test/cluster/**/*.test.ts",
  "test/bench/**/*.test.ts",
];
const namesSpecs = process.argv.slice(2).some((arg) => arg === "--spec" || arg.startsWith("--spec=") || arg.startsWith("test/"));

module.exports = {
  require: ["tsx/cjs", "test/env.ts"],
  ...(namesSpecs ? {} : { spec: SUITE }),
  extension: ["ts"],
  timeout: 30000,
  exit: true,
  "node-option": ["expose-gc"],
};
