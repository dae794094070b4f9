//! Measures retrieval on a question set (tests/data/retrieval_questions.jsonl):
//! top-1 and top-3 concept accuracy per concept and per style, and how many
//! off-topic questions come back not covered. Used by the floors test and by
//! `cargo run --example eval_retrieval`.
//!
//! Top-1 is the answer's `concept`. Top-3 is measured on what the agent
//! reads: the concepts of the first three sections `explain_concept` returns
//! (brief, default budget). The older figure, the expected concept among the
//! first three of the internal concept ranking, is kept as `top3_ranked`: an
//! answer whose three sections all come from one wrong guess passed it.
use crate::explain::{Detail, Explainer};
use crate::skill::CONCEPTS;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub q: String,
    pub style: String,
    pub concept: Option<String>,
    #[serde(default)]
    pub alt: Vec<String>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub n: usize,
    pub top1: usize,
    /// The expected concept among the concepts of the first three returned sections.
    pub top3: usize,
    /// The expected concept among the first three of the internal ranking (the old measure).
    pub top3_ranked: usize,
}

/// One question's outcome.
#[derive(Debug, Clone, Copy)]
struct Hits {
    top1: bool,
    top3: bool,
    top3_ranked: bool,
}

impl Tally {
    fn add(&mut self, h: Hits) {
        self.n += 1;
        self.top1 += usize::from(h.top1);
        self.top3 += usize::from(h.top3);
        self.top3_ranked += usize::from(h.top3_ranked);
    }
    pub fn top1_rate(&self) -> f64 {
        ratio(self.top1, self.n)
    }
    pub fn top3_rate(&self) -> f64 {
        ratio(self.top3, self.n)
    }
    pub fn top3_ranked_rate(&self) -> f64 {
        ratio(self.top3_ranked, self.n)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[derive(Debug, Default)]
pub struct Report {
    pub overall: Tally,
    pub by_concept: BTreeMap<String, Tally>,
    pub by_style: BTreeMap<String, Tally>,
    pub offtopic: usize,
    pub offtopic_rejected: usize,
    /// (question, expected, got) for every top-1 miss and every off-topic accepted.
    pub misses: Vec<(String, String, String)>,
}

impl Report {
    pub fn offtopic_rate(&self) -> f64 {
        ratio(self.offtopic_rejected, self.offtopic)
    }

    pub fn table(&self) -> String {
        let head = "| n | top-1 | top-3 (returned) | top-3 (ranked) |\n|---|---:|---:|---:|---:|\n";
        let row = |name: &str, t: &Tally| {
            format!(
                "| {name} | {} | {:.2} | {:.2} | {:.2} |\n",
                t.n,
                t.top1_rate(),
                t.top3_rate(),
                t.top3_ranked_rate()
            )
        };
        let mut s = format!("| concept {head}");
        for (c, t) in &self.by_concept {
            s.push_str(&row(c, t));
        }
        s.push_str(&format!("\n| style {head}"));
        for (c, t) in &self.by_style {
            s.push_str(&row(c, t));
        }
        s.push_str(&format!(
            "\nall on-topic: n={} top-1={:.3} top-3={:.3} (ranked: {:.3})\noff-topic rejected: {}/{} = {:.3}\n",
            self.overall.n,
            self.overall.top1_rate(),
            self.overall.top3_rate(),
            self.overall.top3_ranked_rate(),
            self.offtopic_rejected,
            self.offtopic,
            self.offtopic_rate()
        ));
        s
    }
}

pub fn parse(jsonl: &str) -> Result<Vec<Question>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

pub fn evaluate(explainer: &Explainer, questions: &[Question]) -> Report {
    let mut r = Report::default();
    for q in questions {
        let ranking = explainer.rank(&q.q);
        let ranked: Vec<&str> = if ranking.not_covered {
            Vec::new()
        } else {
            ranking.concepts.iter().map(|c| CONCEPTS[c.0].id).collect()
        };
        match &q.concept {
            None => {
                r.offtopic += 1;
                if ranked.is_empty() {
                    r.offtopic_rejected += 1;
                } else {
                    r.misses
                        .push((q.q.clone(), "not covered".into(), ranked[0].into()));
                }
            }
            Some(want) => {
                let ok = |c: &&str| *c == want || q.alt.iter().any(|a| a == c);
                let top1 = ranked.first().is_some_and(ok);
                let top3_ranked = ranked.iter().take(3).any(ok);
                // What the agent reads: the sections of the default answer.
                let top3 = explainer
                    .explain(&q.q, Detail::Brief, None)
                    .is_ok_and(|e| e.sections.iter().take(3).any(|s| ok(&s.concept.as_str())));
                let hits = Hits {
                    top1,
                    top3,
                    top3_ranked,
                };
                if !top1 {
                    r.misses.push((
                        q.q.clone(),
                        want.clone(),
                        ranked.first().copied().unwrap_or("not covered").into(),
                    ));
                }
                r.overall.add(hits);
                r.by_concept.entry(want.clone()).or_default().add(hits);
                r.by_style.entry(q.style.clone()).or_default().add(hits);
            }
        }
    }
    r
}
