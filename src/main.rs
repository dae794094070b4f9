//! The `rust-async-skill` command line: parse the arguments, run the command,
//! exit with its status. Everything else lives in the library.
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = rust_async_skill::cli::Cli::parse();
    ExitCode::from(rust_async_skill::cli::run(cli))
}
