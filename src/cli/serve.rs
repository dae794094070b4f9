//! `serve`: the MCP server over stdio, or streamable HTTP with `--http ADDR`.
use super::{ServeArgs, fail};
use crate::mcp::{AsyncSkillServer, Knowledge, http};
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
    let http = match &args.http {
        None => None,
        Some(addr) => match http::HttpConfig::new(addr, args.token.clone(), args.remote.clone()) {
            Ok(config) => Some(config),
            Err(e) => return fail(e),
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // The analyser runs on the blocking pool (CPU-bound, a few ms): a few
        // threads suffice, and 1,000 calls in flight must not start 512 of them
        // (each with its own stack and malloc arena; RSS would creep).
        .max_blocking_threads(8)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format_args!("cannot start the async runtime: {e}")),
    };
    if let Some(config) = http {
        return match runtime.block_on(serve_http(knowledge, config)) {
            Ok(()) => 0,
            Err(e) => fail(e),
        };
    }
    match runtime.block_on(serve_stdio(knowledge)) {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

async fn serve_stdio(knowledge: &'static Knowledge) -> anyhow::Result<()> {
    use rmcp::service::ServerInitializeError;
    let service = match AsyncSkillServer::new(knowledge)
        .serve(rmcp::transport::stdio_pipes())
        .await
    {
        Ok(service) => service,
        // The client went away before the handshake (stdin closed): nothing
        // was asked, so nothing failed.
        Err(ServerInitializeError::ConnectionClosed(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    // The handshake is done: build the explainer now, off the async workers,
    // so that the first explain_concept does not pay for it. A plain thread,
    // not the blocking pool: shutting the runtime down waits for blocking
    // tasks, and a client that closes stdin right away must not wait for a
    // warm-up it will never use. (A request that needs the explainer waits
    // for it either way.)
    let _ = std::thread::Builder::new()
        .name("warm-up".into())
        .spawn(move || {
            knowledge.explainer();
        });
    service.waiting().await?;
    Ok(())
}

/// Streamable HTTP until SIGINT or SIGTERM; see `crate::mcp::http`.
async fn serve_http(knowledge: &'static Knowledge, config: http::HttpConfig) -> anyhow::Result<()> {
    let bound = http::bind(&config).await?;
    http::serve(knowledge, config, bound, http::shutdown_signal()).await
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
