//! Inputs of `diagnose`: options and input errors.

use std::fmt;
use std::str::FromStr;

/// The async runtime the code is written for. It chooses the replacement
/// APIs in help texts and turns the tokio-only rules on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Runtime {
    #[default]
    Tokio,
    AsyncStd,
    Smol,
    /// Unknown runtime: generic advice, tokio-only rules need explicit `tokio::` paths.
    Any,
}

impl Runtime {
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Tokio => "tokio",
            Runtime::AsyncStd => "async-std",
            Runtime::Smol => "smol",
            Runtime::Any => "any",
        }
    }
}

impl FromStr for Runtime {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tokio" => Ok(Runtime::Tokio),
            "async-std" | "async_std" | "asyncstd" => Ok(Runtime::AsyncStd),
            "smol" => Ok(Runtime::Smol),
            "any" => Ok(Runtime::Any),
            _ => Err(InputError::UnknownRuntime(s.to_string())),
        }
    }
}

/// Options of `diagnose`.
#[derive(Clone, Debug)]
pub struct DiagnoseOptions {
    pub runtime: Runtime,
    /// Run only these rule ids (`None`: all rules).
    pub rules: Option<Vec<String>>,
    /// Largest accepted `code`, in bytes.
    pub max_code_bytes: usize,
}

impl Default for DiagnoseOptions {
    fn default() -> Self {
        DiagnoseOptions {
            runtime: Runtime::Tokio,
            rules: None,
            max_code_bytes: crate::limits::max_code_bytes(),
        }
    }
}

/// A bad argument: the message names the field and the limit or the valid values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    TooLarge {
        bytes: usize,
        limit: usize,
    },
    UnknownRule {
        id: String,
        valid: Vec<&'static str>,
    },
    UnknownRuntime(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::TooLarge { bytes, limit } => write!(
                f,
                "`code` is {bytes} bytes, over the limit of {limit} bytes (RUST_ASYNC_SKILL_MAX_CODE_BYTES)"
            ),
            InputError::UnknownRule { id, valid } => write!(
                f,
                "`rules` has an unknown rule id `{id}`; valid ids: {}",
                valid.join(", ")
            ),
            InputError::UnknownRuntime(s) => write!(
                f,
                "`runtime` is `{s}`; valid values: tokio, async-std, smol, any"
            ),
        }
    }
}

impl std::error::Error for InputError {}
