//! Measures retrieval on a question set (tests/data/retrieval_questions.jsonl):
//! top-1 and top-3 concept accuracy per concept and per style, and how many
//! off-topic questions come back not covered. Used by the floors test and by
//! `cargo run --example eval_retrieval`.
use crate::explain::Explainer;
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
    pub top3: usize,
}

impl Tally {
    fn add(&mut self, top1: bool, top3: bool) {
        self.n += 1;
        self.top1 += usize::from(top1);
        self.top3 += usize::from(top3);
    }
    pub fn top1_rate(&self) -> f64 {
        ratio(self.top1, self.n)
    }
    pub fn top3_rate(&self) -> f64 {
        ratio(self.top3, self.n)
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
        let mut s = String::from("| concept | n | top-1 | top-3 |\n|---|---:|---:|---:|\n");
        for (c, t) in &self.by_concept {
            s.push_str(&format!(
                "| {c} | {} | {:.2} | {:.2} |\n",
                t.n,
                t.top1_rate(),
                t.top3_rate()
            ));
        }
        s.push_str("\n| style | n | top-1 | top-3 |\n|---|---:|---:|---:|\n");
        for (c, t) in &self.by_style {
            s.push_str(&format!(
                "| {c} | {} | {:.2} | {:.2} |\n",
                t.n,
                t.top1_rate(),
                t.top3_rate()
            ));
        }
        s.push_str(&format!(
            "\nall on-topic: n={} top-1={:.3} top-3={:.3}\noff-topic rejected: {}/{} = {:.3}\n",
            self.overall.n,
            self.overall.top1_rate(),
            self.overall.top3_rate(),
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
                let top3 = ranked.iter().take(3).any(ok);
                if !top1 {
                    r.misses.push((
                        q.q.clone(),
                        want.clone(),
                        ranked.first().copied().unwrap_or("not covered").into(),
                    ));
                }
                r.overall.add(top1, top3);
                r.by_concept
                    .entry(want.clone())
                    .or_default()
                    .add(top1, top3);
                r.by_style
                    .entry(q.style.clone())
                    .or_default()
                    .add(top1, top3);
            }
        }
    }
    r
}
