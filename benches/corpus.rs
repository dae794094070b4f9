//! The generated service code the speed benches and `examples/phases.rs` measure.

/// One ~50-line block of typical async service code (locks, select loops,
/// spawns, blocking calls, a poll impl); `i` makes its names unique.
pub fn module(i: usize) -> String {
    format!(
        r#"
pub struct Service{i} {{
    state: std::sync::Mutex<State>,
    cache: tokio::sync::RwLock<std::collections::HashMap<String, String>>,
    tx: tokio::sync::mpsc::Sender<Event>,
}}

impl Service{i} {{
    pub async fn handle(&self, req: Request) -> anyhow::Result<Response> {{
        let n = {{
            let mut s = self.state.lock().unwrap();
            s.requests += 1;
            s.requests
        }};
        let cached = self.cache.read().await.get(&req.key).cloned();
        if let Some(v) = cached {{
            return Ok(Response::hit(v, n));
        }}
        let body = fetch(&req.url).await?;
        self.cache.write().await.insert(req.key.clone(), body.clone());
        self.tx.send(Event::Miss(req.key)).await?;
        Ok(Response::miss(body, n))
    }}

    pub async fn run(&self, mut rx: tokio::sync::mpsc::Receiver<Job>) {{
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {{
            tokio::select! {{
                Some(job) = rx.recv() => {{
                    let h = tokio::spawn(async move {{ job.run().await }});
                    h.await.ok();
                }}
                _ = tick.tick() => self.report().await,
            }}
        }}
    }}

    async fn report(&self) {{
        let total = self.state.lock().unwrap().requests;
        println!("{{}} requests", total);
    }}
}}

async fn fetch{i}(url: &str) -> std::io::Result<String> {{
    let data = tokio::fs::read_to_string(url).await?;
    Ok(data.lines().filter(|l| !l.is_empty()).map(|l| l.trim()).collect::<Vec<_>>().join("\n"))
}}
"#
    )
}

/// About `lines` lines of code.
pub fn source(lines: usize) -> String {
    let mut s = String::from("use std::sync::Arc;\nuse tokio::sync::Mutex as AsyncMutex;\n");
    let mut i = 0;
    while s.lines().count() < lines {
        s.push_str(&module(i));
        i += 1;
    }
    s
}
