//! JSON editing that keeps the user's own text.
//!
//! A client's configuration file is edited by splicing: the file is parsed
//! into nodes that remember their byte spans, and only the span of our server
//! entry (or the place where it goes) is rewritten. Everything else — other
//! servers, unknown keys, key order, formatting, a missing final newline —
//! stays byte for byte, so a `--dry-run` diff shows only our lines.
//!
//! Validation (and the line:column of an error) comes from serde_json; the
//! span parser below only ever runs on text serde_json accepted.
use std::ops::Range;

/// A JSON value with object members in their order of appearance.
/// Numbers keep their source text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// An object from `(key, value)` pairs, in that order.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn string(s: impl Into<String>) -> Json {
        Json::String(s.into())
    }

    /// The value of `key` in an object (the last one, as `JSON.parse` does).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Multi-line text, `JSON.stringify(v, null, unit)` style. `indent` is the
    /// indentation of the line the value starts on; no trailing newline.
    pub fn to_pretty(&self, indent: &str, unit: &str) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, indent, unit);
        out
    }

    fn write_pretty(&self, out: &mut String, indent: &str, unit: &str) {
        let inner = format!("{indent}{unit}");
        match self {
            Json::Array(items) if !items.is_empty() => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(",\n");
                    }
                    out.push_str(&inner);
                    item.write_pretty(out, &inner, unit);
                }
                out.push('\n');
                out.push_str(indent);
                out.push(']');
            }
            Json::Object(members) if !members.is_empty() => {
                out.push_str("{\n");
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(",\n");
                    }
                    out.push_str(&inner);
                    out.push_str(&quote(key));
                    out.push_str(": ");
                    value.write_pretty(out, &inner, unit);
                }
                out.push('\n');
                out.push_str(indent);
                out.push('}');
            }
            scalar => scalar.write_compact(out),
        }
    }

    /// One-line text: `{"a": 1, "b": [2, 3]}`.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    fn write_compact(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => out.push_str(&quote(s)),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&quote(key));
                    out.push_str(": ");
                    value.write_compact(out);
                }
                out.push('}');
            }
        }
    }

    /// Minified text with no spaces at all, as `JSON.stringify(v)` gives it.
    pub fn to_minified(&self) -> String {
        match self {
            Json::Array(items) => {
                let parts: Vec<String> = items.iter().map(Json::to_minified).collect();
                format!("[{}]", parts.join(","))
            }
            Json::Object(members) => {
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}:{}", quote(k), v.to_minified()))
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
            scalar => scalar.to_compact(),
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// Where and why a text is not valid JSON (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Checks that `text` is one valid JSON value; the error carries serde_json's
/// message and position.
pub fn validate(text: &str) -> Result<(), SyntaxError> {
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => Ok(()),
        Err(e) => {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
            Err(SyntaxError {
                line: e.line(),
                column: e.column(),
                message,
            })
        }
    }
}

/// A parsed value with its byte span in the source text.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Range<usize>,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar(Json),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone)]
pub struct Member {
    pub key: String,
    /// Byte offset of the key's opening quote.
    pub start: usize,
    pub value: Node,
}

impl Node {
    pub fn to_json(&self) -> Json {
        match &self.kind {
            NodeKind::Scalar(v) => v.clone(),
            NodeKind::Array(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Object(members) => Json::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.value.to_json()))
                    .collect(),
            ),
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member named `key` (the last one, as `JSON.parse` keeps).
    pub fn member(&self, key: &str) -> Option<(usize, &Member)> {
        self.members()?
            .iter()
            .enumerate()
            .rev()
            .find(|(_, m)| m.key == key)
    }

    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Object(_) => "an object",
            NodeKind::Array(_) => "an array",
            NodeKind::Scalar(Json::String(_)) => "a string",
            NodeKind::Scalar(Json::Number(_)) => "a number",
            NodeKind::Scalar(Json::Bool(_)) => "a boolean",
            NodeKind::Scalar(_) => "null",
        }
    }
}

/// Parses valid JSON (see [`validate`]) into spanned nodes.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    validate(text)?;
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        i: 0,
    };
    p.value().map_err(|message| {
        let (line, column) = line_column(text, p.i);
        SyntaxError {
            line,
            column,
            message,
        }
    })
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.bytes.len()
            && matches!(self.bytes[self.i], b' ' | b'\t' | b'\n' | b'\r')
        {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected `{}`", b as char))
        }
    }

    fn value(&mut self) -> Result<Node, String> {
        self.ws();
        let start = self.i;
        let kind = match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let key_start = self.i;
                        let key = self.string()?;
                        self.expect(b':')?;
                        let value = self.value()?;
                        members.push(Member {
                            key,
                            start: key_start,
                            value,
                        });
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err("expected `,` or `}`".into()),
                        }
                    }
                }
                NodeKind::Object(members)
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err("expected `,` or `]`".into()),
                        }
                    }
                }
                NodeKind::Array(items)
            }
            Some(b'"') => NodeKind::Scalar(Json::String(self.string()?)),
            Some(b't') => self.word("true", Json::Bool(true))?,
            Some(b'f') => self.word("false", Json::Bool(false))?,
            Some(b'n') => self.word("null", Json::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                while self.i < self.bytes.len()
                    && matches!(
                        self.bytes[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                NodeKind::Scalar(Json::Number(self.text[start..self.i].to_string()))
            }
            _ => return Err("expected a value".into()),
        };
        Ok(Node {
            span: start..self.i,
            kind,
        })
    }

    fn word(&mut self, word: &str, value: Json) -> Result<NodeKind, String> {
        if self.text[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(NodeKind::Scalar(value))
        } else {
            Err("expected a value".into())
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let start = self.i;
        if self.peek() != Some(b'"') {
            return Err("expected a string".into());
        }
        self.i += 1;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => self.i += 2,
                Some(_) => self.i += 1,
                None => return Err("unterminated string".into()),
            }
        }
        serde_json::from_str(&self.text[start..self.i]).map_err(|e| e.to_string())
    }
}

/// The indentation style of a document, taken from its first indented line.
pub fn indent_unit(text: &str) -> String {
    for line in text.lines().skip(1) {
        let ws: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if !ws.is_empty() && ws.len() < line.len() {
            return ws;
        }
    }
    "  ".to_string()
}

/// The whitespace at the start of the line that holds byte `pos`.
fn line_indent(text: &str, pos: usize) -> &str {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n]
}

/// True when the object at `node` is written on one line with members.
fn is_compact(text: &str, node: &Node) -> bool {
    node.members().is_some_and(|m| !m.is_empty()) && !text[node.span.clone()].contains('\n')
}

/// Text with the member `key: value` added at the end of the object `obj`.
pub fn insert_member(text: &str, obj: &Node, key: &str, value: &Json, unit: &str) -> String {
    let members = obj.members().expect("insert_member needs an object");
    let mut out = String::with_capacity(text.len() + 256);
    let one_line_document = !text.trim_end().contains('\n');
    match members.last() {
        None if one_line_document && text.trim() != "{}" => {
            // `{"mcpServers": {}}`: the file is written on one line; keep it so.
            out.push_str(&text[..obj.span.start]);
            out.push('{');
            out.push_str(&quote(key));
            out.push_str(": ");
            out.push_str(&value.to_compact());
            out.push('}');
            out.push_str(&text[obj.span.end..]);
        }
        None => {
            // `{}` or `{ }`: open it up over several lines.
            let outer = line_indent(text, obj.span.start);
            let inner = format!("{outer}{unit}");
            out.push_str(&text[..obj.span.start]);
            out.push_str("{\n");
            out.push_str(&inner);
            out.push_str(&quote(key));
            out.push_str(": ");
            out.push_str(&value.to_pretty(&inner, unit));
            out.push('\n');
            out.push_str(outer);
            out.push('}');
            out.push_str(&text[obj.span.end..]);
        }
        Some(last) if is_compact(text, obj) => {
            out.push_str(&text[..last.value.span.end]);
            out.push_str(", ");
            out.push_str(&quote(key));
            out.push_str(": ");
            out.push_str(&value.to_compact());
            out.push_str(&text[last.value.span.end..]);
        }
        Some(last) => {
            let indent = line_indent(text, last.start);
            out.push_str(&text[..last.value.span.end]);
            out.push_str(",\n");
            out.push_str(indent);
            out.push_str(&quote(key));
            out.push_str(": ");
            out.push_str(&value.to_pretty(indent, unit));
            out.push_str(&text[last.value.span.end..]);
        }
    }
    out
}

/// Text with the value of member `index` of `obj` replaced by `value`.
pub fn replace_value(text: &str, obj: &Node, index: usize, value: &Json, unit: &str) -> String {
    let member = &obj.members().expect("replace_value needs an object")[index];
    let new = if is_compact(text, obj) {
        value.to_compact()
    } else {
        value.to_pretty(line_indent(text, member.start), unit)
    };
    let span = &member.value.span;
    format!("{}{}{}", &text[..span.start], new, &text[span.end..])
}

/// Text with member `index` of `obj` removed, with its comma.
pub fn remove_member(text: &str, obj: &Node, index: usize) -> String {
    let members = obj.members().expect("remove_member needs an object");
    let cut = if members.len() == 1 {
        obj.span.start + 1..obj.span.end - 1
    } else if index + 1 < members.len() {
        members[index].start..members[index + 1].start
    } else {
        members[index - 1].value.span.end..members[index].value.span.end
    };
    format!("{}{}", &text[..cut.start], &text[cut.end..])
}

/// The items of an array node.
pub fn items(node: &Node) -> Option<&[Node]> {
    match &node.kind {
        NodeKind::Array(items) => Some(items),
        _ => None,
    }
}

/// Text with `value` added at the end of the array `arr`, in the array's
/// own style (one line, or one item per line at the last item's indent).
pub fn append_item(text: &str, arr: &Node, value: &Json, unit: &str) -> String {
    let items = items(arr).expect("append_item needs an array");
    let mut out = String::with_capacity(text.len() + 256);
    match items.last() {
        None => {
            let outer = line_indent(text, arr.span.start);
            let inner = format!("{outer}{unit}");
            out.push_str(&text[..arr.span.start]);
            out.push_str("[\n");
            out.push_str(&inner);
            out.push_str(&value.to_pretty(&inner, unit));
            out.push('\n');
            out.push_str(outer);
            out.push(']');
        }
        Some(last) if !text[arr.span.clone()].contains('\n') => {
            out.push_str(&text[..last.span.end]);
            out.push_str(", ");
            out.push_str(&value.to_compact());
        }
        Some(last) => {
            let indent = line_indent(text, last.span.start);
            out.push_str(&text[..last.span.end]);
            out.push_str(",\n");
            out.push_str(indent);
            out.push_str(&value.to_pretty(indent, unit));
        }
    }
    let rest = match items.last() {
        None => arr.span.end,
        Some(last) => last.span.end,
    };
    out.push_str(&text[rest..]);
    out
}

/// Text with item `index` of the array `arr` replaced by `value`.
pub fn replace_item(text: &str, arr: &Node, index: usize, value: &Json, unit: &str) -> String {
    let item = &items(arr).expect("replace_item needs an array")[index];
    let new = if text[item.span.clone()].contains('\n') {
        value.to_pretty(line_indent(text, item.span.start), unit)
    } else {
        value.to_compact()
    };
    format!(
        "{}{}{}",
        &text[..item.span.start],
        new,
        &text[item.span.end..]
    )
}

/// Text with item `index` of the array `arr` removed, with its comma.
pub fn remove_item(text: &str, arr: &Node, index: usize) -> String {
    let items = items(arr).expect("remove_item needs an array");
    let cut = if items.len() == 1 {
        arr.span.start + 1..arr.span.end - 1
    } else if index + 1 < items.len() {
        items[index].span.start..items[index + 1].span.start
    } else {
        items[index - 1].span.end..items[index].span.end
    };
    format!("{}{}", &text[..cut.start], &text[cut.end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Json {
        Json::object([
            ("command", Json::string("/bin/x")),
            ("args", Json::Array(vec![Json::string("serve")])),
        ])
    }

    #[test]
    fn error_position() {
        let err = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((err.line, err.column), (3, 7));
        assert!(err.message.contains("expected `:`"), "{}", err.message);
    }

    #[test]
    fn insert_into_empty_root() {
        let text = "{}\n";
        let root = parse(text).unwrap();
        let out = insert_member(text, &root, "s", &entry(), "  ");
        assert_eq!(
            out,
            "{\n  \"s\": {\n    \"command\": \"/bin/x\",\n    \"args\": [\n      \"serve\"\n    ]\n  }\n}\n"
        );
    }

    #[test]
    fn insert_after_last_keeps_the_rest() {
        let text = "{\n    \"a\": {\"x\": [1, 2]},\n    \"b\": 1.50\n}";
        let root = parse(text).unwrap();
        let out = insert_member(text, &root, "s", &Json::Bool(true), "    ");
        assert_eq!(
            out,
            "{\n    \"a\": {\"x\": [1, 2]},\n    \"b\": 1.50,\n    \"s\": true\n}"
        );
    }

    #[test]
    fn compact_objects_stay_compact() {
        let text = r#"{"a": 1}"#;
        let root = parse(text).unwrap();
        assert_eq!(
            insert_member(text, &root, "b", &entry(), "  "),
            r#"{"a": 1, "b": {"command": "/bin/x", "args": ["serve"]}}"#
        );
    }

    #[test]
    fn one_line_documents_stay_on_one_line() {
        let text = "{\"mcpServers\": {}}\n";
        let root = parse(text).unwrap();
        let servers = &root.member("mcpServers").unwrap().1.value;
        assert_eq!(
            insert_member(text, servers, "s", &Json::Bool(true), "  "),
            "{\"mcpServers\": {\"s\": true}}\n"
        );
    }

    #[test]
    fn remove_first_middle_last_only() {
        let text = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}";
        let root = parse(text).unwrap();
        assert_eq!(
            remove_member(text, &root, 0),
            "{\n  \"b\": 2,\n  \"c\": 3\n}"
        );
        assert_eq!(
            remove_member(text, &root, 1),
            "{\n  \"a\": 1,\n  \"c\": 3\n}"
        );
        assert_eq!(
            remove_member(text, &root, 2),
            "{\n  \"a\": 1,\n  \"b\": 2\n}"
        );
        let one = "{ \"a\": 1 }";
        assert_eq!(remove_member(one, &parse(one).unwrap(), 0), "{}");
    }

    #[test]
    fn minified_matches_json_stringify() {
        assert_eq!(
            entry().to_minified(),
            r#"{"command":"/bin/x","args":["serve"]}"#
        );
    }

    #[test]
    fn escaped_keys_and_unicode() {
        let text = "{\"k\\u00e9y\": \"v\u{e9}\"}";
        let root = parse(text).unwrap();
        assert_eq!(
            root.member("k\u{e9}y").unwrap().1.value.to_json(),
            Json::string("v\u{e9}")
        );
    }
}
