"""The official Python MCP SDK (PyPI `mcp`) driving every tool, resource,
template, completion, prompt and the Skills extension, over both transports
(stdio and streamable HTTP) and both protocol generations (2026-07-28,
stateless with `server/discover`; 2025-06-18, the `initialize` handshake).

Run: RUST_ASYNC_SKILL_BIN=target/debug/rust-async-skill python3 -m pytest tests/python
"""

import asyncio
import contextlib
import hashlib
import os
import re
import subprocess
import threading
from typing import Any

import httpx2
import mcp.client.session as client_session
import mcp.types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from pydantic import TypeAdapter

BIN = os.path.abspath(os.environ.get("RUST_ASYNC_SKILL_BIN", "target/debug/rust-async-skill"))
MODERN = "2026-07-28"
LEGACY = "2025-06-18"
CODE = "async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=90))


@contextlib.contextmanager
def http_server(*extra: str):
    """`serve --http 127.0.0.1:0`, yielding its URL."""
    env = {k: v for k, v in os.environ.items() if k != "RUST_ASYNC_SKILL_TOKEN"}
    proc = subprocess.Popen(
        [BIN, "serve", "--http", "127.0.0.1:0", *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    url = None
    for line in proc.stderr:
        m = re.search(r"(http://127\.0\.0\.1:\d+/mcp)", line)
        if m:
            url = m.group(1)
            break
    assert url, "the server printed its URL"
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    try:
        yield url
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0, "clean exit on SIGTERM"


@contextlib.contextmanager
def legacy_version(version: str):
    """The SDK's handshake asks for its newest handshake version; pin another."""
    saved = client_session.LATEST_HANDSHAKE_VERSION
    client_session.LATEST_HANDSHAKE_VERSION = version
    try:
        yield
    finally:
        client_session.LATEST_HANDSHAKE_VERSION = saved


def make_client(target, version: str, token: str | None = None) -> Client:
    # "auto" probes server/discover (and gets 2026-07-28 from this server); "legacy" runs initialize.
    mode = "auto" if version == MODERN else "legacy"
    if isinstance(target, str) and token:
        target = streamable_http_client(target, http_client=httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}))
    return Client(target, mode=mode)


async def raw(client: Client, method: str, params: dict | None) -> dict[str, Any]:
    # The SDK has no typed helper for the Skills extension: send the raw method.
    request = types.Request[Any, Any](method=method, params=params)
    return await client.session.send_request(request, TypeAdapter(dict))


async def drive_everything(client: Client, version: str):
    assert client.protocol_version == version
    assert client.server_info.name == "rust-async-skill"

    tools = await client.list_tools()
    names = {t.name for t in tools.tools}
    assert {"explain_concept", "diagnose_snippet"} <= names
    explain = next(t for t in tools.tools if t.name == "explain_concept")
    assert explain.annotations.read_only_hint is True and explain.output_schema

    r = await client.call_tool("explain_concept", {"query": "Cannot start a runtime from within a runtime"})
    assert not r.is_error and r.structured_content["concept"] == "runtime-setup"
    section_uri = r.structured_content["sections"][0]["uri"]
    bad = await client.call_tool("explain_concept", {"query": 7})
    assert bad.is_error and "`query`" in bad.content[0].text

    d = await client.call_tool("diagnose_snippet", {"code": CODE})
    finding = d.structured_content["findings"][0]
    assert finding["rule"] == "blocking-sleep"
    if "suggest_fix" in names:
        f = await client.call_tool("suggest_fix", {"code": CODE})
        assert f.content

    listed = await client.list_resources()
    uris = [str(r.uri) for r in listed.resources]
    assert "skill://rust-async-internals/SKILL.md" in uris
    md = await client.read_resource("skill://rust-async-internals/SKILL.md")
    assert md.contents[0].text.startswith("---\nname: rust-async-internals")
    section = await client.read_resource(section_uri)
    assert section.contents[0].text
    rule = await client.read_resource(finding["doc_uri"])
    assert "What it does" in rule.contents[0].text
    templates = await client.list_resource_templates()
    assert {t.uri_template for t in templates.resource_templates} == {
        "rust-async://sections/{id}",
        "rust-async://rules/{id}",
    }
    done = await client.complete(
        types.ResourceTemplateReference(type="ref/resource", uri="rust-async://rules/{id}"),
        {"name": "id", "value": "blocking-"},
    )
    assert "blocking-sleep" in done.completion.values

    prompts = await client.list_prompts()
    assert {p.name for p in prompts.prompts} == {"explain", "review_async_code"}
    p = await client.get_prompt("explain", {"topic": "waker leaks"})
    assert "waker leaks" in p.messages[0].content.text
    p = await client.get_prompt("review_async_code", {"code": CODE})
    assert "blocking-sleep" in p.messages[0].content.text

    skills = await raw(client, "skills/list", None)
    skill = skills["skills"][0]
    assert skill["uri"] == "skill://rust-async-internals/SKILL.md"
    assert skill["frontmatter"]["name"] == "rust-async-internals"
    for f in skill["resources"][:5]:
        text = (await client.read_resource(f["uri"])).contents[0].text
        assert f["digest"] == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    got = await raw(client, "skills/get", {"uri": "skill://rust-async-internals/SKILL.md"})
    assert got["skill"]["uri"] == "skill://rust-async-internals/SKILL.md"
    return True


@pytest.mark.parametrize("version", [MODERN, LEGACY])
def test_stdio(version):
    async def body():
        async with make_client(StdioServerParameters(command=BIN, args=["serve"]), version) as client:
            return await drive_everything(client, version)

    with legacy_version(LEGACY):
        assert run(body())


@pytest.mark.parametrize("version", [MODERN, LEGACY])
def test_http(version):
    async def body(url):
        async with make_client(url, version) as client:
            return await drive_everything(client, version)

    with http_server() as url, legacy_version(LEGACY):
        assert run(body(url))


@pytest.mark.parametrize("version", [MODERN, LEGACY])
def test_http_with_a_bearer_token(version):
    async def body(url):
        async with make_client(url, version, token="py-token-1234") as client:
            r = await client.call_tool("explain_concept", {"query": "Waker"})
            assert r.structured_content["concept"] == "waker"
        # Without the token the SDK cannot connect.
        with pytest.raises(BaseException):
            async with make_client(url, version) as client:
                await client.list_tools()
        return True

    with http_server("--token", "py-token-1234") as url, legacy_version(LEGACY):
        assert run(body(url))


def test_auto_mode_discovers_the_newest_protocol_over_http():
    async def body(url):
        async with Client(url) as client:
            assert client.protocol_version == MODERN
            r = await client.call_tool("explain_concept", {"query": "Pin"})
            return r.structured_content["concept"] == "pin-unpin"

    with http_server() as url:
        assert run(body(url))
