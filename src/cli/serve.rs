//! `serve`: the MCP server over stdio (streamable HTTP: see `--http`).
use super::{ServeArgs, fail};
use crate::mcp::{AsyncSkillServer, Knowledge};
use crate::skill::Skill;
use rmcp::ServiceExt;

pub fn run(args: &ServeArgs) -> u8 {
    init_logging();
    let knowledge = match &args.skill {
        None => Knowledge::embedded(),
        Some(path) => match Skill::load(path) {
            Ok(skill) => Knowledge::custom(skill),
            Err(e) => return fail(e),
        },
    };
    if args.http.is_some() {
        return fail(
            "`serve --http` is not built yet (see the issue on streamable HTTP); use stdio",
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format_args!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(serve_stdio(knowledge)) {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

async fn serve_stdio(knowledge: &'static Knowledge) -> anyhow::Result<()> {
    let service = AsyncSkillServer::new(knowledge)
        .serve(rmcp::transport::stdio_pipes())
        .await?;
    service.waiting().await?;
    Ok(())
}

/// Logs go to stderr only: stdout is the JSON-RPC channel.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("RUST_ASYNC_SKILL_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}
