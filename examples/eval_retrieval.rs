//! Prints the retrieval table: `cargo run --release --example eval_retrieval [QUESTIONS.jsonl] [--misses]`.
//! `--dump` prints each question's ranking as JSON lines (expected concept,
//! confidence, the five best concepts with score, coverage and the token cost
//! of their best sections), to study answer policies without rebuilding.
use rust_async_skill::{explain::Explainer, retrieval_eval};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--why") {
        return why(&args[1..].join(" "));
    }
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or("tests/data/retrieval_questions.jsonl".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let questions = retrieval_eval::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    if args.iter().any(|a| a == "--dump") {
        return dump(&questions);
    }
    let report = retrieval_eval::evaluate(Explainer::embedded(), &questions);
    print!("{}", report.table());
    if args.iter().any(|a| a == "--misses") {
        println!("\nmisses (question | expected | got):");
        for (q, want, got) in &report.misses {
            println!("- {} | {want} | {got}", q.replace('\n', " "));
        }
    }
}

/// `--why QUERY`: the ranking behind one answer (concepts, coverage, top sections).
#[allow(dead_code)]
pub fn why(query: &str) {
    let e = Explainer::embedded();
    let r = e.rank(query);
    println!(
        "not_covered={} confidence={:.2}",
        r.not_covered, r.confidence
    );
    for (c, s, cov) in r.concepts.iter().take(5) {
        println!(
            "  {:<24} score={s:8.2} coverage={cov:.2}",
            rust_async_skill::skill::CONCEPTS[*c].id
        );
    }
    for h in r.hits.iter().take(8) {
        println!("  {:6.2} {}", h.score, e.skill().sections[h.ord].id);
    }
}

/// `--dump`: one JSON line per question with what an answer policy needs.
fn dump(questions: &[retrieval_eval::Question]) {
    use rust_async_skill::explain::estimate_tokens;
    use rust_async_skill::skill::CONCEPTS;
    let e = Explainer::embedded();
    let sections = &e.skill().sections;
    for q in questions {
        let r = e.rank(&q.q);
        let concepts: Vec<serde_json::Value> = r
            .concepts
            .iter()
            .take(5)
            .map(|&(c, score, cov)| {
                let id = CONCEPTS[c].id;
                let costs: Vec<usize> = r
                    .hits
                    .iter()
                    .filter(|h| sections[h.ord].concept == id)
                    .take(3)
                    .map(|h| estimate_tokens(&sections[h.ord].markdown))
                    .collect();
                serde_json::json!({"id": id, "score": score.min(1e9), "cov": cov, "costs": costs})
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"q": q.q, "style": q.style, "want": q.concept, "alt": q.alt,
                "not_covered": r.not_covered, "confidence": r.confidence, "concepts": concepts})
        );
    }
}
