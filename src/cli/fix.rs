//! `fix [PATH|-] [--write|--diff] [--rule ID]`: suggest_fix on a file or stdin.
//! Prints the fixed code (the default, for editors: stdin to stdout), a
//! unified diff, or rewrites the file atomically (temp file + rename,
//! permissions kept).
use super::{FixArgs, fail};
use crate::fix::suggest_fix_with;
use crate::project::{self, Config, Configs, Overrides};
use std::io::{Read, Write};
use std::path::Path;

pub fn run(args: &FixArgs) -> u8 {
    let from_stdin = args.path.as_deref().is_none_or(|p| p == Path::new("-"));
    if args.write && from_stdin {
        return fail("--write needs a file path (stdin has nowhere to be written back)");
    }
    let (label, bytes) = if from_stdin {
        let mut buf = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
            return fail(format_args!("cannot read stdin: {e}"));
        }
        ("stdin".to_string(), buf)
    } else {
        let path = args.path.as_deref().unwrap();
        match std::fs::read(path) {
            Ok(b) => (path.display().to_string(), b),
            Err(e) => return fail(format_args!("cannot read {}: {e}", path.display())),
        }
    };
    let Ok(code) = String::from_utf8(bytes) else {
        return fail(format_args!("{label} is not UTF-8 text"));
    };
    // A file gets its package's configuration; stdin only its own comments.
    let path = (!from_stdin).then(|| args.path.as_deref().unwrap());
    let config = match path {
        Some(p) => match Configs::new().for_file(p) {
            Ok(c) => c,
            Err(e) => return fail(e),
        },
        None => Default::default(),
    };
    let config: &Config = &config;
    if let Some(p) = path
        && config.excludes(p)
    {
        eprintln!("{label}: excluded by the configuration's `exclude`; not changed");
        if !args.write && !args.diff {
            let _ = std::io::stdout().write_all(code.as_bytes());
        }
        return 0;
    }
    let mut opts = project::options(config, &Overrides::default());
    opts.rules = (!args.rules.is_empty()).then(|| args.rules.clone());
    let analyse = |text: &str, _: &crate::analysis::DiagnoseOptions| {
        project::check_text(path, text, config, &Overrides::default()).map(|c| c.diagnosis)
    };
    let outcome = match suggest_fix_with(&code, &opts, &analyse) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let summary = format!(
        "{} edit(s) applied; {} finding(s) without a machine-applicable fix; {} finding(s) remain",
        outcome.edits.len(),
        outcome.unfixed.len(),
        outcome.remaining.len()
    );
    let mut stdout = std::io::stdout().lock();
    let written = if args.diff {
        let diff = crate::textdiff::unified_labelled(
            &format!("a/{label}"),
            &format!("b/{label}"),
            Some(&code),
            Some(&outcome.fixed_code),
        );
        stdout.write_all(diff.as_bytes())
    } else if args.write {
        let path = args.path.as_deref().unwrap();
        if outcome.fixed_code != code
            && let Err(e) = crate::fsio::write_atomic(path, &outcome.fixed_code)
        {
            return fail(format_args!("cannot write {}: {e}", path.display()));
        }
        Ok(())
    } else {
        stdout.write_all(outcome.fixed_code.as_bytes())
    };
    if let Err(e) = written.and_then(|_| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return fail(format_args!("cannot write the output: {e}"));
    }
    eprintln!("{label}: {summary}");
    // One line per fix (a fix is several edits with one description).
    let mut last: Option<(&str, &str, usize)> = None;
    for e in &outcome.edits {
        let key = (e.rule.as_str(), e.description.as_str(), e.pass);
        if last == Some(key) {
            continue;
        }
        last = Some(key);
        eprintln!(
            "  fixed ({}): {}:{}: [{}] {}",
            e.safety, e.span.start.line, e.span.start.column, e.rule, e.description
        );
    }
    for f in &outcome.unfixed {
        eprintln!(
            "  not fixed: {}:{}: [{}] {} (help: {})",
            f.span.start.line, f.span.start.column, f.rule, f.message, f.help
        );
    }
    0
}
