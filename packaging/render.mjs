#!/usr/bin/env node
// Fills the packaging templates from Cargo.toml's metadata (one version and
// one repository everywhere). Called by scripts/dist.sh; no dependencies.
//
//   node render.mjs META launcher DIR
//   node render.mjs META platform TRIPLE BINARY DIR
//   node render.mjs META mcpb TRIPLE BINARY DIR
//   node render.mjs META server-json OUT      (lists OUT/*.mcpb with their sha256)
//
// META is `cargo metadata --no-deps --format-version 1` output. Placeholders
// are {{NAME}}, replaced inside the parsed JSON's strings, so a value can
// never break the JSON around it.
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const CRATE = "rust-async-skill";

function die(message) {
  process.stderr.write(`render.mjs: ${message}\n`);
  process.exit(2);
}

const [metaPath, command, ...args] = process.argv.slice(2);
if (!metaPath || !command) die("usage: render.mjs META launcher|platform|mcpb|server-json ...");

const meta = JSON.parse(readFileSync(metaPath, "utf8"));
const pkg = meta.packages.find((p) => p.name === CRATE) ?? die(`no package ${CRATE} in ${metaPath}`);
const repo = /^https:\/\/github\.com\/([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)\/?$/.exec(pkg.repository ?? "");
if (!repo) die(`Cargo.toml's repository must be https://github.com/OWNER/NAME, not ${pkg.repository}`);
const targets = JSON.parse(readFileSync(join(HERE, "targets.json"), "utf8"));
delete targets.$comment;

const vars = {
  VERSION: pkg.version,
  DESCRIPTION: pkg.description,
  LICENSE: pkg.license,
  REPOSITORY: `https://github.com/${repo[1]}/${repo[2]}`,
  SERVER_NAME: `io.github.${repo[1]}/${CRATE}`,
};

function fill(value, extra) {
  const all = { ...vars, ...extra };
  if (typeof value === "string") {
    return value.replace(/\{\{([A-Z_]+)\}\}/g, (m, k) => (k in all ? all[k] : die(`unknown placeholder ${m}`)));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, extra));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, extra)]));
  }
  return value;
}

const template = (rel, extra = {}) => fill(JSON.parse(readFileSync(join(HERE, rel), "utf8")), extra);
const text = (rel, extra = {}) => fill(readFileSync(join(HERE, rel), "utf8"), extra);
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

function target(triple) {
  const t = targets[triple] ?? die(`unknown target ${triple}; known: ${Object.keys(targets).join(", ")}`);
  return {
    ...t,
    binary: `${CRATE}${t.exe ?? ""}`,
    extra: { TARGET: triple, NPM_PLATFORM: t.npm, BINARY: `${CRATE}${t.exe ?? ""}`, MCPB_PLATFORM: t.os },
  };
}

function copyBinary(from, to) {
  copyFileSync(from, to);
  chmodSync(to, 0o755);
}

switch (command) {
  case "launcher": {
    const [dir] = args;
    mkdirSync(join(dir, "bin"), { recursive: true });
    const manifest = template("npm/launcher/package.json");
    const platforms = {};
    for (const triple of Object.keys(targets)) {
      const t = target(triple);
      const name = `${CRATE}-${t.npm}`;
      manifest.optionalDependencies[name] = vars.VERSION;
      platforms[t.npm] = { package: name, binary: t.binary, ...(t.libc ? { libc: t.libc } : {}) };
    }
    writeJson(join(dir, "package.json"), manifest);
    writeJson(join(dir, "platforms.json"), platforms);
    writeFileSync(join(dir, "README.md"), text("npm/launcher/README.md"));
    copyBinary(join(HERE, "npm/launcher/bin/rust-async-skill.js"), join(dir, "bin/rust-async-skill.js"));
    break;
  }
  case "platform": {
    const [triple, binary, dir] = args;
    const t = target(triple);
    mkdirSync(dir, { recursive: true });
    const manifest = template("npm/platform/package.json", t.extra);
    manifest.os = [t.os];
    manifest.cpu = [t.cpu];
    if (t.libc) manifest.libc = [t.libc];
    writeJson(join(dir, "package.json"), manifest);
    writeFileSync(join(dir, "README.md"), text("npm/platform/README.md", t.extra));
    copyBinary(binary, join(dir, t.binary));
    break;
  }
  case "mcpb": {
    const [triple, binary, dir] = args;
    const t = target(triple);
    mkdirSync(join(dir, "server"), { recursive: true });
    writeJson(join(dir, "manifest.json"), template("mcpb/manifest.json", t.extra));
    copyBinary(binary, join(dir, "server", t.binary));
    break;
  }
  case "server-json": {
    const [out] = args;
    const server = template("server.json");
    const bundles = readdirSync(out).filter((f) => f.endsWith(".mcpb")).sort();
    for (const file of bundles) {
      const sha = createHash("sha256").update(readFileSync(join(out, file))).digest("hex");
      server.packages.push({
        registryType: "mcpb",
        identifier: `${vars.REPOSITORY}/releases/download/v${vars.VERSION}/${basename(file)}`,
        version: vars.VERSION,
        fileSha256: sha,
        transport: { type: "stdio" },
      });
    }
    writeJson(join(out, "server.json"), server);
    break;
  }
  case "var": {
    // For scripts/dist.sh: one value, e.g. `var VERSION`.
    process.stdout.write(`${vars[args[0]] ?? die(`no variable ${args[0]}`)}\n`);
    break;
  }
  default:
    die(`unknown command ${command}`);
}
