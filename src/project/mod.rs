//! The project layer: what `check`, `fix` and the after-edit hook share.
//!
//! Given a file, it finds the Cargo package's configuration
//! ([`config`]), runs the analysis of the file ([`analyse_file`], the one
//! place where crate-wide analysis plugs in), then applies the
//! configuration's rule levels and the code's own suppressions
//! ([`suppress`]: comments and `#[allow]` of a twin lint). The baseline
//! ([`baseline`]) is applied by the commands that take one.

pub mod baseline;
pub mod config;
mod outline;
pub mod suppress;

pub use config::{Config, ConfigError, Configs, Level};
pub use suppress::Suppressed;

use crate::analysis::{
    self, DiagnoseOptions, Diagnosis, InputError, Runtime, rule_docs, summarize,
};
use std::path::Path;

/// What the command line chose: explicit flags beat the configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub runtime: Option<Runtime>,
    /// Run exactly these rules, whatever the configuration allows.
    pub rules: Option<Vec<String>>,
}

/// One file, checked.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The findings still reported (levels applied), and the summary.
    pub diagnosis: Diagnosis,
    /// The findings the code's suppressions silenced.
    pub suppressed: Vec<Suppressed>,
}

/// The analysis options for a file under `config`.
pub fn options(config: &Config, o: &Overrides) -> DiagnoseOptions {
    let rules = o.rules.clone().or_else(|| {
        let allowed = |id: &str| config.levels.get(id) == Some(&Level::Allow);
        config.levels.values().any(|l| *l == Level::Allow).then(|| {
            rule_docs()
                .iter()
                .filter(|d| !allowed(d.id))
                .map(|d| d.id.to_string())
                .collect()
        })
    });
    DiagnoseOptions {
        runtime: o.runtime.or(config.runtime).unwrap_or_default(),
        rules,
        ..DiagnoseOptions::default()
    }
}

/// The analysis of one file (`path` is `None` for stdin). A file inside
/// a Cargo package is analysed as part of its crate (calls followed across
/// the package's files, `analysis::krate`); anything else alone.
pub fn analyse_file(
    path: Option<&Path>,
    text: &str,
    opts: &DiagnoseOptions,
) -> Result<Diagnosis, InputError> {
    if let Some(p) = path
        && let Some(d) = analysis::krate::analyse_in_crate(p, text, opts)?
    {
        return Ok(d);
    }
    analysis::diagnose(text, opts)
}

/// [`analyse_file`] under `config`, then levels and suppressions.
pub fn check_text(
    path: Option<&Path>,
    text: &str,
    config: &Config,
    o: &Overrides,
) -> Result<Checked, InputError> {
    let opts = options(config, o);
    let d = analyse_file(path, text, &opts)?;
    Ok(post_process(text, config, d))
}

/// Applies the configuration's levels and the code's suppressions.
pub fn post_process(text: &str, config: &Config, mut d: Diagnosis) -> Checked {
    for f in &mut d.findings {
        if let Some(Level::Severity(s)) = config.levels.get(&f.rule) {
            f.severity = *s;
        }
    }
    let (kept, suppressed) = suppress::Scopes::of(text).split(std::mem::take(&mut d.findings));
    d.findings = kept;
    d.summary = summary(&d, suppressed.len(), 0);
    Checked {
        diagnosis: d,
        suppressed,
    }
}

/// "1 error, 2 warnings", then "(3 suppressed, 4 in the baseline)" when any.
pub fn summary(d: &Diagnosis, suppressed: usize, baselined: usize) -> String {
    let (e, w, i) = d.counts();
    let mut s = summarize(e, w, i);
    let mut extra = Vec::new();
    if suppressed > 0 {
        extra.push(format!("{suppressed} suppressed"));
    }
    if baselined > 0 {
        extra.push(format!("{baselined} in the baseline"));
    }
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
    }
    s
}
