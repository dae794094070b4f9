#!/usr/bin/env python3
"""Checks the metadata of the artifacts scripts/dist.sh wrote into OUT:
npm package.json files, the .mcpb manifest, server.json (against the MCP
Registry's schema, tests/data/server.schema.2025-12-11.json), SHA256SUMS and
the README's `mcp-name:` line. Prints `ok   - ...` / `FAIL - ...` per check
(scripts/test-dist.sh counts them); exits 1 when any failed.

    check_release.py --root REPO --out OUT --version V --owner O --target TRIPLE
"""
import argparse
import hashlib
import json
import re
import sys
import tarfile
from pathlib import Path

import jsonschema

LIFECYCLE = {"preinstall", "install", "postinstall", "prepare", "preprepare", "postprepare",
             "prepack", "postpack", "prepublish"}
failed = 0


def check(ok: bool, what: str, detail: str = "") -> bool:
    global failed
    print(f"{'ok  ' if ok else 'FAIL'} - {what}" + ("" if ok or not detail else f": {detail}"))
    failed += not ok
    return ok


def tgz_member(path: Path, name: str) -> tarfile.TarInfo:
    with tarfile.open(path) as tar:
        return tar.getmember(name)


def tgz_json(path: Path, name: str = "package/package.json") -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile(name))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser()
    for a in ("root", "out", "version", "owner", "target", "mcpb-dir"):
        ap.add_argument(f"--{a}", required=a != "mcpb-dir")
    o = ap.parse_args()
    root, out, version = Path(o.root), Path(o.out), o.version
    server_name = f"io.github.{o.owner}/rust-async-skill"
    repo = f"https://github.com/{o.owner}/rust-async-skill"
    targets = json.loads((root / "packaging/targets.json").read_text())
    targets.pop("$comment")
    here = targets[o.target]

    # --- npm -------------------------------------------------------------
    launcher_tgz = out / "npm" / f"rust-async-skill-{version}.tgz"
    platform_tgz = out / "npm" / f"rust-async-skill-{here['npm']}-{version}.tgz"
    tarballs = sorted((out / "npm").glob("*.tgz"))
    check([p.name for p in tarballs] == sorted([launcher_tgz.name, platform_tgz.name]),
          "OUT/npm holds the launcher and this platform's package", str([p.name for p in tarballs]))
    for tgz in tarballs:
        pkg = tgz_json(tgz)
        scripts = set(pkg.get("scripts", {})) & LIFECYCLE
        check(not scripts, f"{tgz.name}: no install scripts", str(scripts))
        check(pkg.get("version") == version, f"{tgz.name}: version {version}", pkg.get("version"))
        check(pkg.get("mcpName") == server_name, f"{tgz.name}: mcpName {server_name}", pkg.get("mcpName"))
    launcher = tgz_json(launcher_tgz)
    check(launcher.get("name") == "rust-async-skill", "launcher name")
    check(launcher.get("bin") == {"rust-async-skill": "bin/rust-async-skill.js"}, "launcher bin", launcher.get("bin"))
    want = {f"rust-async-skill-{t['npm']}": version for t in targets.values()}
    check(launcher.get("optionalDependencies") == want, "launcher optionalDependencies: one per target, this version",
          json.dumps(launcher.get("optionalDependencies")))
    shim = tgz_member(launcher_tgz, "package/bin/rust-async-skill.js")
    check(shim.mode & 0o111 != 0, "launcher shim is executable", oct(shim.mode))
    platforms = tgz_json(launcher_tgz, "package/platforms.json")
    check(set(platforms) == {t["npm"] for t in targets.values()}, "launcher platforms.json covers every target")
    plat = tgz_json(platform_tgz)
    check(plat.get("os") == [here["os"]] and plat.get("cpu") == [here["cpu"]],
          f"{platform_tgz.name}: os {here['os']}, cpu {here['cpu']}", f"{plat.get('os')} {plat.get('cpu')}")
    if here["os"] == "linux":
        check(plat.get("libc") == [here["libc"]], f"{platform_tgz.name}: libc {here['libc']}", str(plat.get("libc")))
    check("bin" not in plat, f"{platform_tgz.name}: no bin of its own (the launcher's is the one on PATH)")
    binary = tgz_member(platform_tgz, f"package/rust-async-skill{here.get('exe', '')}")
    check(binary.mode & 0o111 != 0 and binary.size > 1_000_000, f"{platform_tgz.name}: the executable binary",
          f"mode {oct(binary.mode)} size {binary.size}")

    # --- mcpb manifest (unpacked by test-dist.sh with `mcpb unpack`) ---------
    mcpb = out / f"rust-async-skill-{version}-{o.target}.mcpb"
    check(mcpb.is_file(), f"{mcpb.name} exists")
    if o.mcpb_dir:
        d = Path(o.mcpb_dir)
        m = json.loads((d / "manifest.json").read_text())
        server = m.get("server", {})
        entry = server.get("entry_point", "")
        check(m.get("manifest_version") == "0.3", "manifest_version 0.3", m.get("manifest_version"))
        check(m.get("version") == version, f"manifest version {version}", m.get("version"))
        check(server.get("type") == "binary", "server.type binary", server.get("type"))
        check(entry.startswith("server/") and (d / entry).is_file() and (d / entry).stat().st_mode & 0o111 != 0,
              f"entry_point {entry} is an executable under server/")
        cmd = server.get("mcp_config", {}).get("command", "")
        check(cmd == "${__dirname}/" + entry and server.get("mcp_config", {}).get("args") == ["serve"],
              "mcp_config runs ${__dirname}/<entry_point> serve", f"{cmd} {server.get('mcp_config', {}).get('args')}")
        check(m.get("compatibility", {}).get("platforms") == [here["os"]], f"compatibility.platforms [{here['os']}]")

    # --- server.json -----------------------------------------------------
    schema_path = root / "tests/data/server.schema.2025-12-11.json"
    schema = json.loads(schema_path.read_text())
    doc = json.loads((out / "server.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    check(not errors, "server.json is valid against the registry's 2025-12-11 schema", "; ".join(errors))
    check(doc.get("$schema") == schema["$id"], "server.json $schema is that schema's $id", doc.get("$schema"))
    broken = dict(doc, description="x" * 101, name="no-slash")
    check(len(list(validator.iter_errors(broken))) >= 2, "the schema check rejects a broken copy (it can fail)")
    check(doc.get("name") == server_name and doc.get("version") == version, f"server.json: {server_name} {version}")
    kinds = {}
    for p in doc.get("packages", []):
        kinds.setdefault(p["registryType"], []).append(p)
        check(p.get("transport") == {"type": "stdio"}, f"server.json {p['registryType']} package: stdio transport")
        check(p.get("version") == version, f"server.json {p['registryType']} package: version {version}")
    check(sorted(kinds) == ["cargo", "mcpb", "npm"], "server.json lists npm, cargo and mcpb packages", str(sorted(kinds)))
    for k in ("npm", "cargo"):
        p = (kinds.get(k) or [{}])[0]
        check(p.get("identifier") == "rust-async-skill"
              and p.get("packageArguments") == [{"type": "positional", "value": "serve"}],
              f"server.json {k}: rust-async-skill with argument serve")
    bundles = sorted(out.glob("*.mcpb"))
    listed = {p["identifier"].rsplit("/", 1)[-1]: p for p in kinds.get("mcpb", [])}
    check(sorted(listed) == [b.name for b in bundles], "server.json lists every .mcpb in OUT")
    for b in bundles:
        p = listed.get(b.name, {})
        check(p.get("fileSha256") == sha256(b), f"server.json fileSha256 of {b.name}")
        check(p.get("identifier") == f"{repo}/releases/download/v{version}/{b.name}",
              f"server.json {b.name}: the release download URL", p.get("identifier"))

    # --- README: the MCP Registry reads the crate's README for this line ---
    readme = (root / "README.md").read_text()
    visible = re.sub(r"<!--.*?-->", "", readme, flags=re.S)
    check(re.search(rf"^mcp-name: {re.escape(server_name)}$", visible, flags=re.M) is not None,
          f"README.md has a visible line `mcp-name: {server_name}`")

    # --- SHA256SUMS --------------------------------------------------------
    sums = {}
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    check(sorted(sums) == files, "SHA256SUMS lists every file in OUT", str(set(files) ^ set(sums)))
    bad = [n for n, d in sums.items() if (out / n).is_file() and sha256(out / n) != d]
    check(not bad, "SHA256SUMS matches every file", str(bad))

    print(f"check_release: {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
