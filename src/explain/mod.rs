//! `explain_concept`: answers a query (a concept name, a question, a pasted
//! error, a code fragment) with the skill's own sections.
//!
//! - `rank.rs`: BM25 over the section fields picks sections; sections and
//!   whole-concept documents vote for their concept; verbatim aliases and,
//!   for pasted code, the analyser's findings raise a concept.
//! - `vocabulary.rs`: what places a query inside or outside the skill
//!   (async anchor words, other ecosystems' words, concept names).
//! - `pasted.rs`: the decorations of pasted tool output (paths, line
//!   numbers, gutters, thread ids, durations) taken out before ranking.
//! - `answer.rs`: the chosen sections (hedging over the runner-up concepts
//!   when the ranking is unsure), cut to `max_tokens` at section boundaries,
//!   and their Markdown form.

mod answer;
mod pasted;
mod rank;
mod vocabulary;

pub use answer::{estimate_tokens, render_markdown};

use crate::limits::{DEFAULT_MAX_TOKENS, MAX_MAX_TOKENS, MAX_QUERY_BYTES, MIN_MAX_TOKENS};
use crate::search::{Hit, SearchIndex, tokenizer};
use crate::skill::{CONCEPTS, Skill};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;
use vocabulary::{ANCHORS, FOREIGN, RUST_MARKERS, normalise};

/// How much of an answer to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Detail {
    /// The few best sections.
    #[default]
    Brief,
    /// Every section of the best concept, in reading order.
    Full,
}

/// One section in an answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct SectionAnswer {
    /// Section id, `<concept>.<slug>`.
    pub id: String,
    pub concept: String,
    pub title: String,
    /// `rust-async://sections/<id>`.
    pub uri: String,
    /// Relevance score (higher is better; comparable within one answer).
    pub score: f32,
    /// The section's Markdown.
    pub text: String,
}

/// The answer of `explain_concept` (and of `explain --json`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Explanation {
    /// Best concept id, or null when the skill does not cover the query.
    pub concept: Option<String>,
    /// 0..1: how sure the match is.
    pub confidence: f32,
    /// True when the skill does not cover the query.
    pub not_covered: bool,
    pub sections: Vec<SectionAnswer>,
    /// Concepts to read next.
    pub related: Vec<String>,
    /// True when sections were left out (or cut) to fit `max_tokens`.
    pub truncated: bool,
    pub skill_version: String,
}

/// A bad argument: the message names the field and the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentError(pub String);

impl std::fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ArgumentError {}

/// Answers queries from one skill and its index.
pub struct Explainer {
    skill: &'static Skill,
    index: SearchIndex,
    /// For each section ord, the position of its concept in CONCEPTS.
    concept_of: Vec<usize>,
    foreign: HashSet<String>,
    rust_markers: HashSet<String>,
    anchors: HashSet<String>,
    /// Every concept alias in normalised form, with its concept and how many concepts share it.
    aliases: Vec<(String, usize, f32)>,
}

/// Everything the ranking found, before the answer is cut to size.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// (concept index, score, coverage), best first.
    pub concepts: Vec<(usize, f32, f32)>,
    pub hits: Vec<Hit>,
    pub not_covered: bool,
    pub confidence: f32,
}

impl Explainer {
    /// The explainer of the embedded skill, built on first use.
    pub fn embedded() -> &'static Explainer {
        static EXPLAINER: OnceLock<Explainer> = OnceLock::new();
        EXPLAINER.get_or_init(|| {
            let skill = Skill::embedded();
            let index =
                SearchIndex::for_embedded(skill).expect("the embedded skill can always be indexed");
            Explainer::new(skill, index)
        })
    }

    /// An explainer over any skill (e.g. one loaded with `--skill`), indexed in memory.
    pub fn for_skill(skill: &'static Skill) -> anyhow::Result<Explainer> {
        Ok(Explainer::new(skill, SearchIndex::build(skill)?))
    }

    fn new(skill: &'static Skill, index: SearchIndex) -> Explainer {
        let concept_of = skill
            .sections
            .iter()
            .map(|s| {
                CONCEPTS
                    .iter()
                    .position(|c| c.id == s.concept)
                    .unwrap_or(usize::MAX)
            })
            .collect();
        // Each listed word as the analyser indexes it whole (not its parts:
        // `async_trait` must not make "trait" a marker).
        let stem_all = |words: &[&str]| {
            words
                .iter()
                .filter_map(|w| {
                    let terms = tokenizer::terms(w);
                    if w.ends_with('!') {
                        terms.into_iter().find(|t| t.ends_with('!'))
                    } else {
                        terms.into_iter().next()
                    }
                })
                .collect::<HashSet<_>>()
        };
        let mut foreign = stem_all(FOREIGN);
        foreign.extend(FOREIGN.iter().map(|w| w.to_string()));
        let mut aliases: Vec<(String, usize, f32)> = Vec::new();
        for (concept, list) in &skill.aliases {
            let Some(c) = CONCEPTS.iter().position(|x| x.id == concept) else {
                continue;
            };
            for a in list {
                let norm = normalise(a);
                if norm.len() >= 3 {
                    aliases.push((norm, c, 1.0));
                }
            }
        }
        for i in 0..aliases.len() {
            let shared = aliases
                .iter()
                .filter(|(a, _, _)| *a == aliases[i].0)
                .count();
            aliases[i].2 = 1.0 / shared as f32;
        }
        Explainer {
            skill,
            index,
            concept_of,
            foreign,
            rust_markers: stem_all(RUST_MARKERS),
            anchors: stem_all(ANCHORS),
            aliases,
        }
    }

    pub fn skill(&self) -> &'static Skill {
        self.skill
    }

    /// Validates the arguments and answers.
    pub fn explain(
        &self,
        query: &str,
        detail: Detail,
        max_tokens: Option<u32>,
    ) -> Result<Explanation, ArgumentError> {
        let query = query.trim();
        if query.is_empty() {
            return Err(ArgumentError("`query` is empty: give a concept name, a question, an error message or a code fragment".into()));
        }
        if query.len() > MAX_QUERY_BYTES {
            return Err(ArgumentError(format!(
                "`query` is {} bytes, over the limit of {MAX_QUERY_BYTES} bytes: send the error message or the few lines that matter",
                query.len()
            )));
        }
        let max_tokens = max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
        if !(MIN_MAX_TOKENS..=MAX_MAX_TOKENS).contains(&max_tokens) {
            return Err(ArgumentError(format!(
                "`max_tokens` is {max_tokens}; it must be between {MIN_MAX_TOKENS} and {MAX_MAX_TOKENS}"
            )));
        }
        let ranking = self.rank(query);
        Ok(self.answer(&ranking, detail, max_tokens))
    }
}
