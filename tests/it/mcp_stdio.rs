//! The MCP server over stdio, driven with raw JSON-RPC: every tool, resource,
//! template, completion, prompt and the Skills extension.
use crate::common::Server;
use serde_json::{Value, json};

fn tool_text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn initialize_advertises_what_we_serve() {
    let (s, init) = Server::initialized("2025-06-18");
    assert_eq!(init["protocolVersion"], "2025-06-18");
    let caps = &init["capabilities"];
    for cap in ["tools", "resources", "prompts", "completions"] {
        assert!(caps.get(cap).is_some(), "missing capability {cap}: {caps}");
    }
    assert!(
        caps["extensions"]
            .get("io.modelcontextprotocol/skills")
            .is_some()
    );
    assert_eq!(init["serverInfo"]["name"], "rust-async-skill");
    assert!(
        init["instructions"].as_str().unwrap().len() < 600,
        "instructions should stay short"
    );
    assert!(s.close().success());
}

#[test]
fn tools_are_annotated_read_only_with_output_schemas() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let tools = s.request("tools/list", json!({}));
    let list = tools["tools"].as_array().unwrap();
    let explain = list
        .iter()
        .find(|t| t["name"] == "explain_concept")
        .expect("explain_concept listed");
    let a = &explain["annotations"];
    assert_eq!(
        (a["readOnlyHint"].as_bool(), a["destructiveHint"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(
        (a["idempotentHint"].as_bool(), a["openWorldHint"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(
        explain["outputSchema"]["properties"]
            .get("sections")
            .is_some()
    );
    assert_eq!(explain["inputSchema"]["required"], json!(["query"]));
    // Agents pay for every word of tools/list in every session.
    // JSON runs about 3.5 characters a token.
    let tokens = serde_json::to_string(&tools).unwrap().len() * 2 / 7;
    assert!(tokens <= 1500, "tools/list is about {tokens} tokens");
    let names: Vec<&str> = list.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for t in list {
        assert_eq!(t["annotations"]["readOnlyHint"], true, "{}", t["name"]);
        assert!(t["outputSchema"]["type"] == "object", "{}", t["name"]);
    }
}

#[test]
fn explain_concept_returns_structured_content_and_markdown() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let r = s.request("tools/call", json!({"name": "explain_concept", "arguments": {"query": "future cannot be sent between threads safely"}}));
    assert_ne!(r["isError"], json!(true));
    let sc = &r["structuredContent"];
    assert_eq!(sc["concept"], "send-bounds", "{sc}");
    assert_eq!(sc["not_covered"], false);
    let sections = sc["sections"].as_array().unwrap();
    assert!(!sections.is_empty());
    let uri = sections[0]["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("rust-async://sections/send-bounds."),
        "{uri}"
    );
    assert!(
        tool_text(&r).contains(
            sections[0]["text"]
                .as_str()
                .unwrap()
                .lines()
                .next()
                .unwrap()
        )
    );
    // The section URI it returns can be read back.
    let read = s.request("resources/read", json!({"uri": uri}));
    assert_eq!(read["contents"][0]["text"], sections[0]["text"]);
}

#[test]
fn explain_accepts_obvious_aliases_and_reports_bad_arguments_by_name() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let r = s.request(
        "tools/call",
        json!({"name": "explain_concept", "arguments": {"topic": "Pin::new on an async block"}}),
    );
    assert_eq!(r["structuredContent"]["concept"], "pin-unpin");
    let cases = [
        (json!({}), "`query`"),
        (
            json!({"query": 42}),
            "argument `query`: invalid type: integer `42`, expected a string",
        ),
        (json!({"query": "waker", "max_tokens": 5}), "`max_tokens`"),
        (
            json!({"query": "waker", "detail": "everything"}),
            "`detail`",
        ),
        (json!({"query": "waker", "qeury": "x"}), "`qeury`"),
        (json!({"query": "   "}), "`query` is empty"),
        (json!({"query": "x".repeat(70_000)}), "over the limit"),
    ];
    for (args, needle) in cases {
        let r = s.request(
            "tools/call",
            json!({"name": "explain_concept", "arguments": args}),
        );
        assert_eq!(r["isError"], json!(true), "{args} should be an error");
        assert!(tool_text(&r).contains(needle), "{args}: {}", tool_text(&r));
    }
    // The server is still fine afterwards.
    let r = s.request(
        "tools/call",
        json!({"name": "explain_concept", "arguments": {"query": "Waker"}}),
    );
    assert_eq!(r["structuredContent"]["concept"], "waker");
}

#[test]
fn off_topic_questions_are_not_covered() {
    let (mut s, _) = Server::initialized("2025-06-18");
    for q in [
        "how does the Python asyncio event loop schedule coroutines",
        "JavaScript Promise.all vs Promise.race",
        "how do I sort a Vec of structs by a field",
    ] {
        let r = s.request(
            "tools/call",
            json!({"name": "explain_concept", "arguments": {"query": q}}),
        );
        let sc = &r["structuredContent"];
        assert_eq!(sc["not_covered"], true, "{q}: {sc}");
        assert_eq!(sc["concept"], Value::Null);
        assert!(sc["sections"].as_array().unwrap().is_empty());
    }
}

#[test]
fn max_tokens_cuts_at_section_boundaries() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let full = s.request("tools/call", json!({"name": "explain_concept", "arguments": {"query": "select!", "detail": "full", "max_tokens": 20000}}));
    let small = s.request("tools/call", json!({"name": "explain_concept", "arguments": {"query": "select!", "detail": "full", "max_tokens": 600}}));
    let n_full = full["structuredContent"]["sections"]
        .as_array()
        .unwrap()
        .len();
    let n_small = small["structuredContent"]["sections"]
        .as_array()
        .unwrap()
        .len();
    assert!(n_full > n_small && n_small >= 1, "{n_full} vs {n_small}");
    assert_eq!(small["structuredContent"]["truncated"], true);
    let chars: usize = small["structuredContent"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().chars().count())
        .sum();
    assert!(chars / 4 <= 600 + 50, "{chars} chars for 600 tokens");
}

#[test]
fn skill_files_are_resources_and_the_skills_extension_lists_them() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let list = s.request("resources/list", json!({}));
    let uris: Vec<&str> = list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"skill://rust-async-internals/SKILL.md"));
    assert!(uris.contains(&"skill://rust-async-internals/skill/references/waker.md"));
    let md = s.request(
        "resources/read",
        json!({"uri": "skill://rust-async-internals/SKILL.md"}),
    );
    assert!(
        md["contents"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("---\nname: rust-async-internals")
    );

    let skills = s.request("skills/list", json!({}));
    let skill = &skills["skills"][0];
    assert_eq!(skill["uri"], "skill://rust-async-internals/SKILL.md");
    assert_eq!(skill["frontmatter"]["name"], "rust-async-internals");
    let files = skill["resources"].as_array().unwrap();
    assert_eq!(files.len(), uris.len());
    // Every digest matches the bytes served by resources/read.
    use sha2::Digest;
    for f in files {
        let read = s.request("resources/read", json!({"uri": f["uri"]}));
        let text = read["contents"][0]["text"].as_str().unwrap();
        assert_eq!(f["size"], json!(text.len()));
        assert_eq!(
            f["digest"].as_str().unwrap(),
            format!("sha256:{:x}", sha2::Sha256::digest(text.as_bytes()))
        );
    }
    let got = s.request(
        "skills/get",
        json!({"uri": "skill://rust-async-internals/SKILL.md"}),
    );
    assert_eq!(got["skill"]["uri"], "skill://rust-async-internals/SKILL.md");
    let missing = s.call("skills/get", json!({"uri": "skill://other/SKILL.md"}));
    assert_eq!(missing["error"]["code"], -32602);
}

#[test]
fn templates_and_completions() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let t = s.request("resources/templates/list", json!({}));
    let templates: Vec<&str> = t["resourceTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["uriTemplate"].as_str().unwrap())
        .collect();
    assert!(
        templates.contains(&"rust-async://sections/{id}")
            && templates.contains(&"rust-async://rules/{id}")
    );
    let c = s.request(
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "rust-async://sections/{id}"}, "argument": {"name": "id", "value": "pin-unpin."}}),
    );
    let values = c["completion"]["values"].as_array().unwrap();
    assert!(
        !values.is_empty()
            && values
                .iter()
                .all(|v| v.as_str().unwrap().starts_with("pin-unpin.")),
        "{c}"
    );
    let bad = s.call(
        "resources/read",
        json!({"uri": "rust-async://sections/no-such-section"}),
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no-such-section")
    );
}

#[test]
fn explain_prompt_is_grounded_in_the_skill() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let list = s.request("prompts/list", json!({}));
    assert!(
        list["prompts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "explain")
    );
    let p = s.request(
        "prompts/get",
        json!({"name": "explain", "arguments": {"topic": "waker leaks"}}),
    );
    let text = p["messages"][0]["content"]["text"].as_str().unwrap();
    assert!(
        text.contains("waker leaks") && text.contains("rust-async://sections/waker-leaks."),
        "{text}"
    );
}

#[test]
fn malformed_input_gets_errors_and_the_session_survives() {
    let (mut s, _) = Server::initialized("2025-06-18");
    s.send_raw("{not json\n");
    let unknown = s.call("no/such/method", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let r = s.request(
        "tools/call",
        json!({"name": "explain_concept", "arguments": {"query": "JoinHandle"}}),
    );
    assert_eq!(r["structuredContent"]["concept"], "task-spawning");
    assert!(s.close().success(), "clean exit on EOF");
}

#[test]
fn diagnose_snippet_finds_async_bugs_with_positions_in_the_users_code() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let code = "use std::time::Duration;\n\nasync fn tick() {\n    std::thread::sleep(Duration::from_millis(5));\n}\n";
    let r = s.request(
        "tools/call",
        json!({"name": "diagnose_snippet", "arguments": {"snippet": code}}),
    );
    assert_ne!(r["isError"], json!(true), "{r}");
    let f = &r["structuredContent"]["findings"][0];
    assert_eq!(f["rule"], "blocking-sleep");
    assert_eq!(f["span"]["start"], json!({"line": 4, "column": 5}));
    assert_eq!(f["concept"], "blocking");
    assert!(tool_text(&r).contains("blocking-sleep"));
    // The rule's documentation and the concept it links to both resolve.
    let doc = s.request("resources/read", json!({"uri": f["doc_uri"]}));
    assert!(
        doc["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("What it does")
    );
    let clean = s.request("tools/call", json!({"name": "diagnose_snippet", "arguments": {"code": "async fn f() { tokio::time::sleep(std::time::Duration::from_millis(5)).await; }"}}));
    assert_eq!(clean["structuredContent"]["findings"], json!([]));
    for (args, needle) in [
        (
            json!({"code": 1}),
            "argument `code`: invalid type: integer `1`, expected a string",
        ),
        (json!({"code": "fn f(){}", "runtime": "glommio"}), "glommio"),
        (
            json!({"code": "fn f(){}", "rules": ["no-such-rule"]}),
            "no-such-rule",
        ),
        (json!({"cod": "x"}), "`cod`"),
    ] {
        let r = s.request(
            "tools/call",
            json!({"name": "diagnose_snippet", "arguments": args}),
        );
        assert_eq!(r["isError"], json!(true), "{args}");
        assert!(tool_text(&r).contains(needle), "{args}: {}", tool_text(&r));
    }
    let rules = s.request(
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "rust-async://rules/{id}"}, "argument": {"name": "id", "value": "blocking-"}}),
    );
    assert!(
        rules["completion"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "blocking-sleep")
    );
}

#[test]
fn review_prompt_carries_findings_and_explanations() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let code = "async fn f(m: &std::sync::Mutex<u32>) {\n    let g = m.lock().unwrap();\n    other().await;\n    drop(g);\n}\nasync fn other() {}\n";
    let p = s.request(
        "prompts/get",
        json!({"name": "review_async_code", "arguments": {"code": code}}),
    );
    let text = p["messages"][0]["content"]["text"].as_str().unwrap();
    assert!(text.contains("lock-across-await"), "{text}");
    assert!(
        text.contains("rust-async://sections/async-locks.")
            || text.contains("rust-async://sections/"),
        "{text}"
    );
}

#[test]
fn suggest_fix_returns_the_contract_fields_and_keeps_clean_code() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let clean = "async fn f() {\n    tokio::task::yield_now().await;\n}\n";
    let r = s.request(
        "tools/call",
        json!({"name": "suggest_fix", "arguments": {"code": clean}}),
    );
    let sc = &r["structuredContent"];
    assert_eq!(sc["fixed_code"], clean);
    assert_eq!(sc["diff"], "");
    for field in ["edits", "unfixed", "remaining"] {
        assert!(
            sc[field].as_array().is_some_and(|a| a.is_empty()),
            "{field}: {sc}"
        );
    }
    // A finding with no machine-applicable fix is reported in `unfixed`, with its help.
    let code = "async fn f(rx: std::sync::mpsc::Receiver<u32>) {\n    let v = rx.recv();\n    drop(v);\n}\n";
    let r = s.request(
        "tools/call",
        json!({"name": "suggest_fix", "arguments": {"code": code, "rules": ["blocking-channel"]}}),
    );
    let sc = &r["structuredContent"];
    assert_eq!(sc["fixed_code"], code);
    assert_eq!(sc["unfixed"][0]["rule"], "blocking-channel", "{sc}");
    assert!(!sc["unfixed"][0]["help"].as_str().unwrap().is_empty());
    let bad = s.request(
        "tools/call",
        json!({"name": "suggest_fix", "arguments": {"code": "x", "rules": "nope"}}),
    );
    assert_eq!(bad["isError"], true);
}

#[test]
fn suggest_fix_fixes_a_blocking_sleep_over_the_wire() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let code = "async fn poll(c: &Client) {\n    loop {\n        c.check().await;\n        std::thread::sleep(Duration::from_secs(5));\n    }\n}\n";
    let r = s.request(
        "tools/call",
        json!({"name": "suggest_fix", "arguments": {"code": code}}),
    );
    let sc = &r["structuredContent"];
    assert_eq!(
        sc["fixed_code"],
        code.replace(
            "std::thread::sleep(Duration::from_secs(5));",
            "tokio::time::sleep(Duration::from_secs(5)).await;"
        ),
        "{sc}"
    );
    let edits = sc["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{sc}");
    assert!(
        edits
            .iter()
            .all(|e| e["rule"] == "blocking-sleep" && e["safety"] == "may-change-behaviour")
    );
    assert_eq!(edits[0]["span"]["start"]["line"], 4);
    assert!(
        sc["diff"]
            .as_str()
            .unwrap()
            .contains("+        tokio::time::sleep")
    );
    assert_eq!(sc["remaining"].as_array().unwrap().len(), 0, "{sc}");
    // The finding said so before the fix.
    let d = s.request(
        "tools/call",
        json!({"name": "diagnose_snippet", "arguments": {"code": code}}),
    );
    assert_eq!(d["structuredContent"]["findings"][0]["fix_available"], true);
}

#[test]
fn snippet_tools_honour_the_codes_own_suppressions() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let diagnose = |s: &mut Server, code: &str| {
        s.request(
            "tools/call",
            json!({"name": "diagnose_snippet", "arguments": {"code": code}}),
        )["structuredContent"]
            .clone()
    };
    let rules = |sc: &Value| -> Vec<String> {
        sc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let sleep = "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n";
    let plain = diagnose(&mut s, sleep);
    assert_eq!(rules(&plain), ["blocking-sleep"], "{plain}");
    assert!(!plain["summary"].as_str().unwrap().contains("suppressed"));

    // End of line, next statement, file level, clippy twin.
    let line = sleep.replace(
        "(5));",
        "(5)); // rust-async-skill: allow(blocking-sleep) on purpose",
    );
    let next = sleep.replace(
        "    std::thread",
        "    // rust-async-skill: allow(blocking-sleep)\n    std::thread",
    );
    let file = format!("//! rust-async-skill: allow(blocking-sleep)\n{sleep}");
    let twin = "#[allow(clippy::await_holding_lock)]\nasync fn f(m: &std::sync::Mutex<u32>) {\n    let g = m.lock().unwrap();\n    other().await;\n    drop(g);\n}\nasync fn other() {}\n";
    let unsuppressed_twin = twin.replace("#[allow(clippy::await_holding_lock)]\n", "");
    assert_eq!(
        rules(&diagnose(&mut s, &unsuppressed_twin)),
        ["lock-across-await"]
    );
    for code in [line, next, file, twin.to_string()] {
        let sc = diagnose(&mut s, &code);
        assert!(rules(&sc).is_empty(), "{code}\n{sc}");
        assert_eq!(sc["summary"], "no findings (1 suppressed)", "{sc}");
    }
    // A typo suppresses nothing and is reported.
    let typo = sleep.replace("(5));", "(5)); // rust-async-skill: allow(blocking-slep)");
    let sc = diagnose(&mut s, &typo);
    assert_eq!(
        rules(&sc),
        ["blocking-sleep", "unknown-suppression"],
        "{sc}"
    );

    // suggest_fix leaves a suppressed finding alone, and fixes the others.
    let two = "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(5)); // rust-async-skill: allow(blocking-sleep)\n}\nasync fn g() {\n    std::thread::sleep(std::time::Duration::from_millis(6));\n}\n";
    let r = s.request(
        "tools/call",
        json!({"name": "suggest_fix", "arguments": {"code": two}}),
    );
    let sc = &r["structuredContent"];
    let edits = sc["edits"].as_array().unwrap();
    assert!(
        !edits.is_empty() && edits.iter().all(|e| e["span"]["start"]["line"] == 5),
        "only g's sleep (line 5) is edited: {sc}"
    );
    let fixed = sc["fixed_code"].as_str().unwrap();
    assert!(
        fixed.contains("std::thread::sleep(std::time::Duration::from_millis(5));"),
        "{fixed}"
    );
    assert!(
        fixed.contains("tokio::time::sleep(std::time::Duration::from_millis(6)).await;"),
        "{fixed}"
    );
    assert!(sc["remaining"].as_array().unwrap().is_empty(), "{sc}");
    assert!(s.close().success());
}
