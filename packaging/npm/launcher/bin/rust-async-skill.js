#!/usr/bin/env node
// The npm launcher of rust-async-skill: runs the prebuilt binary from the
// platform package that npm installed among this package's
// optionalDependencies (npm installs only the one whose os, cpu and libc
// match). Nothing runs at install time, so `npx -y` and `--ignore-scripts`
// both work.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

// { "linux-x64": { "package": "rust-async-skill-linux-x64", "binary": "rust-async-skill", "libc": "glibc" }, ... }
const PLATFORMS = require("../platforms.json");
const NAME = "rust-async-skill";

// musl's dynamic loader is /lib/ld-musl-<arch>.so.1; glibc systems have none.
function isMusl() {
  try {
    return fs.readdirSync("/lib").some((f) => f.startsWith("ld-musl-"));
  } catch {
    return false;
  }
}

// The platform keys to try, best first: on Linux both libcs, since a musl
// (static) binary also runs on a glibc system.
function candidates() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform !== "linux") return [base];
  return isMusl() ? [`${base}-musl`, base] : [base, `${base}-musl`];
}

function findBinary() {
  const keys = candidates().filter((k) => PLATFORMS[k]);
  for (const key of keys) {
    const { package: pkg, binary } = PLATFORMS[key];
    let dir;
    try {
      dir = path.dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    const file = path.join(dir, binary);
    if (fs.existsSync(file)) return file;
  }
  const here = candidates()[0];
  const supported = Object.keys(PLATFORMS).sort().join(", ");
  if (keys.length === 0) {
    fail(
      `no prebuilt binary for this platform (${here}).\n` +
        `Prebuilt: ${supported}.\n` +
        `Build it from source instead: cargo install --locked ${NAME}`,
    );
  }
  const wanted = keys.map((k) => PLATFORMS[k].package).join(" or ");
  fail(
    `the binary for this platform (${here}) is not installed: npm did not install ${wanted}.\n` +
      `npm skips optional dependencies with --omit=optional / --no-optional, and a lockfile made on ` +
      `another platform can leave them out: reinstall without that (or delete the lockfile), ` +
      `or install the binary with: cargo install --locked ${NAME}`,
  );
}

function fail(message) {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(1);
}

const binary = findBinary();
// Tells the binary it runs through this launcher, so `install CLIENT`
// registers `npx -y rust-async-skill serve` rather than the binary's path
// inside npm's cache, which npm may clean (src/install/launch.rs).
const env = { ...process.env, RUST_ASYNC_SKILL_LAUNCHER: "npx" };
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit", env, windowsHide: true });

// Ctrl-C reaches the whole process group already; a signal sent to this
// process alone (a client stopping its server) is passed on.
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}

child.on("error", (err) => fail(`cannot run ${binary}: ${err.message}`));
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so the caller sees what the binary saw.
    for (const s of forwarded) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
