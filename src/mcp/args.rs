//! Reading tool arguments by hand, so that every bad argument gets a message
//! naming the field (serde's own errors do not), and obvious misnamings are
//! accepted (`concept`/`question`/`topic` for `query`, `snippet`/`source` for `code`).
use serde_json::{Map, Value};

pub type Args = Map<String, Value>;

/// The JSON type of a value, as a user would say it.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The first present of `names` (the canonical name first), with the name found.
fn lookup<'a>(args: &'a Args, names: &[&'static str]) -> Option<(&'static str, &'a Value)> {
    names
        .iter()
        .find_map(|n| args.get(*n).filter(|v| !v.is_null()).map(|v| (*n, v)))
}

/// A required string argument.
pub fn required_string(args: &Args, names: &[&'static str]) -> Result<String, String> {
    match lookup(args, names) {
        Some((_, Value::String(s))) => Ok(s.clone()),
        Some((name, v)) => Err(format!("`{name}` must be a string, got {}", kind(v))),
        None => Err(format!(
            "missing required argument `{}` (a string)",
            names[0]
        )),
    }
}

/// An optional string argument.
pub fn optional_string(args: &Args, names: &[&'static str]) -> Result<Option<String>, String> {
    match lookup(args, names) {
        Some((_, Value::String(s))) => Ok(Some(s.clone())),
        Some((name, v)) => Err(format!("`{name}` must be a string, got {}", kind(v))),
        None => Ok(None),
    }
}

/// An optional non-negative integer argument (a whole-number float is accepted).
pub fn optional_u32(args: &Args, names: &[&'static str]) -> Result<Option<u32>, String> {
    match lookup(args, names) {
        None => Ok(None),
        Some((name, Value::Number(n))) => {
            let as_int = n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            });
            match as_int {
                Some(v) => Ok(Some(u32::try_from(v).unwrap_or(u32::MAX))),
                None => Err(format!("`{name}` must be a non-negative integer, got {n}")),
            }
        }
        Some((name, Value::String(s))) => {
            s.trim().parse().map(Some).map_err(|_| {
                format!("`{name}` must be a non-negative integer, got the string {s:?}")
            })
        }
        Some((name, v)) => Err(format!("`{name}` must be an integer, got {}", kind(v))),
    }
}

/// An optional list of strings (a single string is accepted as a list of one).
pub fn optional_strings(
    args: &Args,
    names: &[&'static str],
) -> Result<Option<Vec<String>>, String> {
    match lookup(args, names) {
        None => Ok(None),
        Some((_, Value::String(s))) => Ok(Some(vec![s.clone()])),
        Some((name, Value::Array(items))) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{name}` must be a list of strings, found {}", kind(v)))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some((name, v)) => Err(format!(
            "`{name}` must be a list of strings, got {}",
            kind(v)
        )),
    }
}

/// Arguments that are neither known nor aliases are reported, not ignored:
/// a typo would otherwise silently change the answer.
pub fn reject_unknown(args: &Args, known: &[&str]) -> Result<(), String> {
    match args.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown argument `{k}`; this tool takes {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> Args {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn names_the_field() {
        let a = args(json!({"query": 5}));
        assert_eq!(
            required_string(&a, &["query", "concept"]).unwrap_err(),
            "`query` must be a string, got a number"
        );
        let a = args(json!({}));
        assert!(
            required_string(&a, &["query"])
                .unwrap_err()
                .contains("missing required argument `query`")
        );
        let a = args(json!({"topic": "Pin"}));
        assert_eq!(
            required_string(&a, &["query", "concept", "topic"]).unwrap(),
            "Pin"
        );
        let a = args(json!({"max_tokens": 1.5}));
        assert!(
            optional_u32(&a, &["max_tokens"])
                .unwrap_err()
                .contains("max_tokens")
        );
        let a = args(json!({"max_tokens": "300"}));
        assert_eq!(optional_u32(&a, &["max_tokens"]).unwrap(), Some(300));
        let a = args(json!({"rules": ["a", 3]}));
        assert!(
            optional_strings(&a, &["rules"])
                .unwrap_err()
                .contains("`rules`")
        );
        let a = args(json!({"qeury": "x"}));
        assert!(
            reject_unknown(&a, &["query"])
                .unwrap_err()
                .contains("`qeury`")
        );
    }
}
