"""The server driven by the official Python MCP SDK (PyPI `mcp`), as a real
client would: initialize, tools/list, tools/call, resources/read, skills/list.

Run: RUST_ASYNC_SKILL_BIN=target/debug/rust-async-skill python3 -m pytest tests/python
"""

import asyncio
import os
from typing import Any

import mcp.types as types
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from pydantic import TypeAdapter

BIN = os.environ.get("RUST_ASYNC_SKILL_BIN", "target/debug/rust-async-skill")
SERVER = StdioServerParameters(command=os.path.abspath(BIN), args=["serve"])


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=60))


async def with_session(body):
    async with stdio_client(SERVER) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            return await body(session, init)


def test_initialize_and_list_tools():
    async def body(session, init):
        assert init.server_info.name == "rust-async-skill"
        tools = await session.list_tools()
        names = {t.name for t in tools.tools}
        assert "explain_concept" in names
        explain = next(t for t in tools.tools if t.name == "explain_concept")
        assert explain.annotations.read_only_hint is True
        assert explain.output_schema is not None
        return True

    assert run(with_session(body))


def test_call_explain_concept():
    async def body(session, init):
        result = await session.call_tool("explain_concept", {"query": "Cannot start a runtime from within a runtime"})
        assert not result.is_error
        sc = result.structured_content
        assert sc["concept"] == "runtime-setup", sc
        assert sc["sections"] and sc["sections"][0]["uri"].startswith("rust-async://sections/")
        assert result.content[0].type == "text" and result.content[0].text

        bad = await session.call_tool("explain_concept", {"query": 7})
        assert bad.is_error
        assert "`query`" in bad.content[0].text
        return True

    assert run(with_session(body))


def test_read_skill_resources():
    async def body(session, init):
        listed = await session.list_resources()
        uris = [str(r.uri) for r in listed.resources]
        assert "skill://rust-async-internals/SKILL.md" in uris
        read = await session.read_resource("skill://rust-async-internals/SKILL.md")
        assert read.contents[0].text.startswith("---\nname: rust-async-internals")
        section = await session.read_resource("rust-async://sections/pin-unpin.overview")
        assert "Pin" in section.contents[0].text
        return True

    assert run(with_session(body))


def test_skills_list_extension():
    async def body(session, init):
        # The SDK has no typed helper for the Skills extension: send the raw method.
        request = types.Request[Any, Any](method="skills/list", params=None)
        result = await session.send_request(request, TypeAdapter(dict))
        skills = result["skills"]
        assert skills[0]["uri"] == "skill://rust-async-internals/SKILL.md"
        assert skills[0]["frontmatter"]["name"] == "rust-async-internals"
        assert all(r["digest"].startswith("sha256:") for r in skills[0]["resources"])
        return True

    assert run(with_session(body))


def test_modern_client_api():
    from mcp import Client

    async def body():
        async with Client(SERVER) as client:
            result = await client.call_tool("explain_concept", {"query": "Waker"})
            assert result.structured_content["concept"] == "waker"
            return True

    assert run(body())
