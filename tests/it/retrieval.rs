//! Retrieval floors over tests/data/retrieval_questions.jsonl (written from the
//! concept catalogue, not from the skill's text). The table:
//! `cargo run --release --example eval_retrieval -- --misses`.
use rust_async_skill::{explain::Explainer, retrieval_eval};

#[test]
fn retrieval_meets_its_floors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/retrieval_questions.jsonl"
    ))
    .unwrap();
    let questions = retrieval_eval::parse(&text).unwrap();
    assert!(
        questions.len() >= 170,
        "question set shrank to {}",
        questions.len()
    );
    let report = retrieval_eval::evaluate(Explainer::embedded(), &questions);
    println!("{}", report.table());
    assert!(
        report.overall.top1_rate() >= 0.90,
        "top-1 {:.3} < 0.90",
        report.overall.top1_rate()
    );
    assert!(
        report.overall.top3_rate() >= 0.97,
        "top-3 {:.3} < 0.97",
        report.overall.top3_rate()
    );
    assert!(
        report.offtopic >= 20 && report.offtopic_rate() >= 0.90,
        "off-topic {:.3} < 0.90",
        report.offtopic_rate()
    );
}

/// A second set, written later from real issue threads and Q&A pages by
/// someone who had read neither the skill nor the first set. It is not tuned
/// against; its floors sit below the first set's and guard against regressions.
#[test]
fn held_out_questions_stay_above_regression_floors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/retrieval_holdout.jsonl"
    ))
    .unwrap();
    let questions = retrieval_eval::parse(&text).unwrap();
    let report = retrieval_eval::evaluate(Explainer::embedded(), &questions);
    println!("{}", report.table());
    assert!(
        report.overall.top1_rate() >= 0.85,
        "held-out top-1 {:.3}",
        report.overall.top1_rate()
    );
    assert!(
        report.overall.top3_rate() >= 0.95,
        "held-out top-3 {:.3}",
        report.overall.top3_rate()
    );
    assert!(
        report.offtopic_rate() >= 0.85,
        "held-out off-topic {:.3}",
        report.offtopic_rate()
    );
}
