//! Tool arguments are deserialised into the structs their input schemas are
//! derived from (tools.rs), so schema and parsing cannot drift. This module
//! makes serde's errors name the argument (`serde_path_to_error`) and holds
//! the two lenient readers agents need: a number sent as a string or a
//! whole float, and a single rule id sent without its list.
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::{Map, Value};

pub type Args = Map<String, Value>;

/// `T` from a tool call's arguments, or a message naming the argument at
/// fault (a missing, unknown or duplicated one is named by serde itself).
pub fn parse<T: DeserializeOwned>(args: Args) -> Result<T, String> {
    serde_path_to_error::deserialize(Value::Object(args)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("argument `{path}`: {inner}")
        }
    })
}

/// An optional non-negative integer: also `"300"` and `300.0`. Values past
/// `u32::MAX` saturate, so the caller's range check reports them.
pub fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let wide = match Option::<Value>::deserialize(d)? {
        None => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<u64>().map_err(|_| {
            D::Error::custom(format!(
                "expected a non-negative integer, got the string {s:?}"
            ))
        })?,
        Some(Value::Number(n)) if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f >= 0.0) => n
            .as_u64()
            .unwrap_or_else(|| n.as_f64().map_or(u64::MAX, |f| f as u64)),
        Some(other) => u64::deserialize(other).map_err(D::Error::custom)?,
    };
    Ok(Some(u32::try_from(wide).unwrap_or(u32::MAX)))
}

/// An optional list of strings; a single string is a list of one.
pub fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s])),
        Some(other) => Vec::<String>::deserialize(other)
            .map(Some)
            .map_err(D::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::tools::{DiagnoseInput, ExplainInput};
    use serde_json::json;

    fn explain(v: Value) -> Result<ExplainInput, String> {
        parse(v.as_object().unwrap().clone())
    }

    fn diagnose(v: Value) -> Result<DiagnoseInput, String> {
        parse(v.as_object().unwrap().clone())
    }

    #[test]
    fn errors_name_the_argument() {
        let e = explain(json!({"query": 5})).err().unwrap();
        assert!(
            e.contains("`query`") && e.contains("expected a string"),
            "{e}"
        );
        // Under an alias, the name the caller used.
        let e = explain(json!({"topic": ["Pin"]})).err().unwrap();
        assert!(e.contains("`topic`"), "{e}");
        let e = explain(json!({})).err().unwrap();
        assert!(e.contains("missing field `query`"), "{e}");
        let e = explain(json!({"query": "x", "qeury": "x"})).err().unwrap();
        assert!(e.contains("unknown field `qeury`"), "{e}");
        let e = explain(json!({"query": "x", "detail": "everything"}))
            .err()
            .unwrap();
        assert!(e.contains("`detail`") && e.contains("everything"), "{e}");
        let e = explain(json!({"query": "x", "max_tokens": 1.5}))
            .err()
            .unwrap();
        assert!(e.contains("`max_tokens`"), "{e}");
        let e = explain(json!({"query": "x", "max_tokens": "lots"}))
            .err()
            .unwrap();
        assert!(e.contains("`max_tokens`") && e.contains("\"lots\""), "{e}");
        let e = diagnose(json!({"code": "x", "rules": ["a", 3]}))
            .err()
            .unwrap();
        assert!(e.contains("`rules`"), "{e}");
        let e = diagnose(json!({"code": "x", "snippet": "y"}))
            .err()
            .unwrap();
        assert!(e.contains("duplicate field `code`"), "{e}");
    }

    #[test]
    fn aliases_and_lenient_values_are_read() {
        for name in ["query", "concept", "question", "topic"] {
            assert_eq!(explain(json!({name: "Pin"})).unwrap().query, "Pin");
        }
        for (sent, read) in [
            (json!("300"), Some(300)),
            (json!(300.0), Some(300)),
            (json!(300), Some(300)),
            (json!(null), None),
            (json!(1e12), Some(u32::MAX)),
        ] {
            let input = explain(json!({"query": "x", "max_tokens": sent})).unwrap();
            assert_eq!(input.max_tokens, read, "{sent}");
        }
        assert_eq!(explain(json!({"query": "x"})).unwrap().max_tokens, None);
        for name in ["code", "snippet", "source"] {
            assert_eq!(
                diagnose(json!({name: "fn f(){}"})).unwrap().code,
                "fn f(){}"
            );
        }
        let d = diagnose(json!({"code": "x", "rule": "blocking-sleep"})).unwrap();
        assert_eq!(d.rules, Some(vec!["blocking-sleep".to_string()]));
        let d = diagnose(json!({"code": "x", "rules": ["a", "b"]})).unwrap();
        assert_eq!(d.rules, Some(vec!["a".to_string(), "b".to_string()]));
    }
}
