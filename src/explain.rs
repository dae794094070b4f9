//! `explain_concept`: answers a query (a concept name, a question, a pasted
//! error, a code fragment) with the skill's own sections.
//!
//! Ranking: BM25 over the section fields picks sections; sections vote for
//! their concept; a concept is trusted only if it explains enough of the
//! query (its "coverage": the share of the query's information, weighted by
//! how specific each word is, that occurs in that concept's sections).
//! Questions about other ecosystems (asyncio, promises, goroutines) and
//! questions the skill's vocabulary does not explain come back `not_covered`.

use crate::limits::{DEFAULT_MAX_TOKENS, MAX_MAX_TOKENS, MAX_QUERY_BYTES, MIN_MAX_TOKENS};
use crate::search::{Hit, SearchIndex, tokenizer};
use crate::skill::{CONCEPTS, Skill, sections::Section};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;

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

/// Words that place a question in another language's async world. A query
/// with one of these and no sign of Rust is not ours to answer.
const FOREIGN: &[&str] = &[
    "python",
    "asyncio",
    "aiohttp",
    "trio",
    "anyio",
    "gevent",
    "twisted",
    "django",
    "flask",
    "fastapi",
    "uvicorn",
    "javascript",
    "typescript",
    "js",
    "ts",
    "nodejs",
    "node",
    "deno",
    "bun",
    "npm",
    "react",
    "angular",
    "vue",
    "promise",
    "promises",
    "settimeout",
    "golang",
    "goroutine",
    "goroutines",
    "kotlin",
    "java",
    "jvm",
    "completablefuture",
    "csharp",
    "dotnet",
    "swift",
    "dart",
    "flutter",
    "erlang",
    "elixir",
    "haskell",
    "scala",
    "akka",
    "ruby",
    "rails",
    "php",
    "cpp",
    "zig",
    "lua",
    "perl",
    "unity",
    "coroutinescope",
    "suspend",
    "configureawait",
    "asyncawait",
    "eventloop",
    "libuv",
    "netty",
    "sql",
    "postgres",
    "mysql",
    "css",
    "html",
    "git",
    "github",
    "pthread",
    "pthreads",
    "libc",
    "coroutine",
    "coroutines",
    "runtimeerror",
    "runtimewarning",
    "typeerror",
    "valueerror",
    "traceback",
    "def",
];

/// Words that mark a question as about Rust even when it names another ecosystem.
const RUST_MARKERS: &[&str] = &[
    "rust",
    "tokio",
    "rustc",
    "cargo",
    "crate",
    "crates",
    "clippy",
    "smol",
    "unwrap",
    "joinhandle",
    "spawn_blocking",
    "waker",
    "rustacean",
    "async_std",
];

/// The vocabulary of async Rust. A query must use at least one of these words
/// (or name a concept, or be async code) to be covered: general Rust questions
/// (borrowing, lifetimes, traits, cargo) share many words with the skill but
/// none of these.
const ANCHORS: &[&str] = &[
    "async",
    "await",
    "awaiting",
    "awaited",
    "future",
    "futures",
    "poll",
    "polled",
    "polling",
    "pending",
    "ready",
    "waker",
    "wake",
    "wakeup",
    "woken",
    "wake_by_ref",
    "will_wake",
    "context",
    "cx",
    "pin",
    "pinned",
    "pinning",
    "unpin",
    "pin!",
    "phantompinned",
    "tokio",
    "runtime",
    "runtimes",
    "executor",
    "executors",
    "reactor",
    "epoll",
    "mio",
    "spawn",
    "spawned",
    "spawning",
    "spawn_blocking",
    "spawn_local",
    "block_on",
    "block_in_place",
    "task",
    "tasks",
    "joinhandle",
    "joinset",
    "join!",
    "try_join!",
    "join_all",
    "select!",
    "biased",
    "cancel",
    "cancelled",
    "cancellation",
    "canceled",
    "cancellationtoken",
    "timeout",
    "timeouts",
    "sleep",
    "interval",
    "timer",
    "timers",
    "tick",
    "blocking",
    "blocked",
    "blocks",
    "mutex",
    "mutexguard",
    "lock",
    "locks",
    "locked",
    "guard",
    "rwlock",
    "semaphore",
    "notify",
    "deadlock",
    "channel",
    "channels",
    "mpsc",
    "oneshot",
    "broadcast",
    "watch",
    "recv",
    "send",
    "sync",
    "rc",
    "refcell",
    "stream",
    "streams",
    "streamext",
    "localset",
    "localruntime",
    "console",
    "console_subscriber",
    "tracing",
    "instrument",
    "span",
    "yield",
    "yield_now",
    "coop",
    "budget",
    "starvation",
    "starved",
    "worker",
    "workers",
    "concurrency",
    "concurrent",
    "concurrently",
    "parallel",
    "async_trait",
    "e0752",
    "e0728",
    "e0733",
    "e0373",
    "hang",
    "hangs",
    "hanging",
    "freezes",
    "stuck",
    "backpressure",
    "rayon",
    "cpu",
    "fusedfuture",
    "fuse",
    "tokio_unstable",
    "unstable",
    "state",
    "machine",
    "desugar",
    "desugars",
    "lazy",
    "shutdown",
    "graceful",
    "abort",
    "aborted",
    "detach",
    "detached",
    "drop",
    "dropped",
    "wait",
    "waiting",
    "scheduler",
    "scheduling",
    "scheduled",
    "preemptive",
    "preemption",
    "preempt",
    "cooperative",
    "cooperatively",
    "steal",
    "stealing",
    "current_thread",
    "multi_thread",
    "multithreaded",
    "elapsed",
    "deadline",
    "yielded",
    "yielding",
    "dashmap",
    "try_current",
    "joinerror",
    "lagged",
    "tokio-console",
    "backtrace",
    "backtraces",
];

/// Coverage below which a query is judged not covered.
/// Share of the query a concept must explain (besides the anchor words) to be an answer.
const MIN_COVERAGE: f32 = 0.2;

/// Weights of a concept's second and third best sections in its vote.
const VOTE_DECAY: [f32; 2] = [0.35, 0.15];
/// Weight of the concept-as-a-whole document against the section vote.
const WHOLE_WEIGHT: f32 = 1.0;
/// How much each word of a verbatim alias match raises its concept's score.
const ALIAS_BOOST: f32 = 0.1;
/// How much a concept gains when the analyser finds its bug in pasted code.
const DIAGNOSIS_BOOST: f32 = 1.0;
/// How much coverage scales a concept's score (score x (BASE + coverage)).
const COVERAGE_BASE: f32 = 0.25;

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

    /// Ranks concepts and sections for a query (no answer text yet).
    pub fn rank(&self, query: &str) -> Ranking {
        let not_covered = Ranking {
            concepts: Vec::new(),
            hits: Vec::new(),
            not_covered: true,
            confidence: 0.0,
        };
        if let Some(c) = direct_concept(query) {
            let hits = self.concept_hits(c, query);
            return Ranking {
                concepts: vec![(c, f32::MAX, 1.0)],
                hits,
                not_covered: false,
                confidence: 1.0,
            };
        }
        let all_terms = tokenizer::terms(query);
        let looks_like_rust = looks_like_rust_code(query);
        let rusty = looks_like_rust || all_terms.iter().any(|t| self.rust_markers.contains(t));
        let lower = query.to_lowercase();
        let foreign_symbol = ["c++", "c#", "f#", "objective-c"]
            .iter()
            .any(|s| lower.contains(s));
        if !rusty && (foreign_symbol || all_terms.iter().any(|t| self.foreign.contains(t))) {
            return not_covered;
        }
        // Verbatim aliases: a phrase of two or more words or a code-like name
        // (`Handle::current`, `select!`) also anchors the query in the domain.
        let query_norm = normalise(query);
        let mut alias_weight = vec![0f32; CONCEPTS.len()];
        let mut anchored_by_alias = false;
        for (alias, c, share) in &self.aliases {
            if contains_phrase(&query_norm, alias) {
                let words = alias.split(' ').count();
                alias_weight[*c] += share * words.min(6) as f32;
                anchored_by_alias |= words >= 2 || alias.contains([':', '!', '_', '<', '#']);
            }
        }
        if !anchored_by_alias && !all_terms.iter().any(|t| self.anchors.contains(t)) {
            return not_covered;
        }
        let terms = self.index.analyse_terms(all_terms.clone());
        if terms.terms.is_empty() {
            return not_covered;
        }
        let n_sections = self.skill.sections.len();
        let (hits, concept_docs): (Vec<Hit>, Vec<Hit>) = self
            .index
            .rank(&terms, 120)
            .into_iter()
            .partition(|h| h.ord < n_sections);
        if hits.is_empty() {
            return not_covered;
        }
        let mut whole = vec![0f32; CONCEPTS.len()];
        for h in &concept_docs {
            if let Some(w) = whole.get_mut(h.ord - n_sections) {
                *w = h.score;
            }
        }
        let whole_max = whole.iter().copied().fold(0f32, f32::max).max(f32::EPSILON);

        // Information weight of each known term (BM25's idf over sections), and
        // which concepts contain it.
        let n = self.skill.sections.len() as f32;
        let mut concept_mass = vec![0f32; CONCEPTS.len()];
        let mut known_mass = 0f32;
        for t in &terms.terms {
            let ords = self.index.sections_with(t);
            let w = idf(ords.len() as f32, n);
            known_mass += w;
            let mut seen = vec![false; CONCEPTS.len()];
            for &ord in ords {
                if let Some(&c) = self.concept_of.get(ord as usize) {
                    if c < seen.len() && !seen[c] {
                        seen[c] = true;
                        concept_mass[c] += w;
                    }
                }
            }
        }
        // Words the skill never uses count against coverage, as much as a rare
        // known word; in pasted code they are mostly the user's own names, so
        // they count for little there.
        let unknown = (terms.total - terms.known) as f32;
        let unknown_weight = if looks_like_rust { 0.15 } else { 1.0 } * idf(1.0, n);
        let total_mass = known_mass + unknown * unknown_weight;

        // Sections vote for their concept: the best counts fully, the next ones less.
        let mut votes: Vec<Vec<f32>> = vec![Vec::new(); CONCEPTS.len()];
        for h in &hits {
            if let Some(&c) = self.concept_of.get(h.ord) {
                if c < votes.len() && votes[c].len() < 3 {
                    votes[c].push(h.score);
                }
            }
        }
        let d = VOTE_DECAY;
        let vote = |v: &Vec<f32>| {
            v.iter()
                .zip([1.0, d[0], d[1]])
                .map(|(s, w)| s * w)
                .sum::<f32>()
        };
        let vote_max = votes
            .iter()
            .map(vote)
            .fold(0f32, f32::max)
            .max(f32::EPSILON);
        let mut concepts: Vec<(usize, f32, f32)> = votes
            .iter()
            .enumerate()
            .filter(|(c, v)| !v.is_empty() || whole[*c] > 0.0)
            .map(|(c, v)| {
                let score = vote(v) / vote_max + WHOLE_WEIGHT * whole[c] / whole_max;
                let coverage = if total_mass > 0.0 {
                    concept_mass[c] / total_mass
                } else {
                    0.0
                };
                (c, score * (COVERAGE_BASE + coverage), coverage)
            })
            .collect();
        // An alias found verbatim in the query (a pasted error message, an API
        // path, a term of art) is strong evidence for its concept, the more so
        // the longer it is and the fewer concepts share it.
        // Pasted code: what the analyser finds in it says what it is about
        // (a thread spawned per poll is a waker leak, an Rc held across an
        // await in tokio::spawn is a Send problem), better than its words do.
        let diagnosed = if looks_like_rust {
            diagnosed_concepts(query)
        } else {
            Vec::new()
        };
        for entry in concepts.iter_mut() {
            entry.1 *= 1.0 + ALIAS_BOOST * alias_weight[entry.0].min(8.0);
            if diagnosed.contains(&entry.0) {
                entry.1 *= 1.0 + DIAGNOSIS_BOOST;
            }
        }
        for &c in &diagnosed {
            if !concepts.iter().any(|e| e.0 == c) {
                concepts.push((
                    c,
                    DIAGNOSIS_BOOST * 0.5,
                    concept_mass[c] / total_mass.max(f32::EPSILON),
                ));
            }
        }
        concepts.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (_, s1, coverage) = concepts[0];
        let s2 = concepts.get(1).map_or(0.0, |c| c.1);
        let dominance = s1 / (s1 + s2).max(f32::EPSILON);
        let not_covered = coverage < MIN_COVERAGE;
        let confidence = if not_covered {
            0.0
        } else {
            (coverage.sqrt() * dominance).clamp(0.0, 1.0)
        };
        Ranking {
            concepts,
            hits,
            not_covered,
            confidence,
        }
    }

    /// The sections of a concept ranked for the query (all of them, best first).
    fn concept_hits(&self, c: usize, query: &str) -> Vec<Hit> {
        let terms = self.index.analyse(query);
        let mut hits: Vec<Hit> = self
            .index
            .rank(&terms, 200)
            .into_iter()
            .filter(|h| self.concept_of.get(h.ord) == Some(&c))
            .collect();
        for (ord, _) in self
            .skill
            .sections
            .iter()
            .enumerate()
            .filter(|(o, _)| self.concept_of[*o] == c)
        {
            if !hits.iter().any(|h| h.ord == ord) {
                hits.push(Hit { ord, score: 0.0 });
            }
        }
        hits
    }

    fn answer(&self, ranking: &Ranking, detail: Detail, max_tokens: u32) -> Explanation {
        let mut out = Explanation {
            concept: None,
            confidence: 0.0,
            not_covered: true,
            sections: Vec::new(),
            related: Vec::new(),
            truncated: false,
            skill_version: crate::SKILL_VERSION.to_string(),
        };
        if ranking.not_covered || ranking.concepts.is_empty() {
            return out;
        }
        let best = ranking.concepts[0].0;
        let concept = &CONCEPTS[best];
        out.concept = Some(concept.id.to_string());
        out.confidence = (ranking.confidence * 100.0).round() / 100.0;
        out.not_covered = false;

        let score_of = |ord: usize| {
            ranking
                .hits
                .iter()
                .find(|h| h.ord == ord)
                .map_or(0.0, |h| h.score)
        };
        let chosen: Vec<(usize, f32)> = match detail {
            Detail::Full => self
                .skill
                .sections
                .iter()
                .enumerate()
                .filter(|(o, _)| self.concept_of[*o] == best)
                .map(|(o, _)| (o, score_of(o)))
                .collect(),
            Detail::Brief => {
                let mut picked: Vec<(usize, f32)> = ranking
                    .hits
                    .iter()
                    .filter(|h| self.concept_of.get(h.ord) == Some(&best))
                    .take(3)
                    .map(|h| (h.ord, h.score))
                    .collect();
                // A close runner-up concept gets its best section too: the
                // question may be about either.
                if let Some(&(second, s2, cov2)) = ranking.concepts.get(1) {
                    if s2 >= 0.8 * ranking.concepts[0].1 && cov2 >= MIN_COVERAGE {
                        if let Some(h) = ranking
                            .hits
                            .iter()
                            .find(|h| self.concept_of.get(h.ord) == Some(&second))
                        {
                            picked.push((h.ord, h.score));
                        }
                    }
                }
                picked
            }
        };

        let mut budget = max_tokens as usize;
        for (ord, score) in chosen {
            let section = &self.skill.sections[ord];
            let cost = estimate_tokens(&section.markdown);
            if cost <= budget {
                budget -= cost;
                out.sections
                    .push(section_answer(section, score, section.markdown.clone()));
            } else if out.sections.is_empty() {
                // Even the best section is too long: give its beginning, cut at a line
                // outside any code block, and say so.
                out.sections.push(section_answer(
                    section,
                    score,
                    cut_markdown(&section.markdown, budget),
                ));
                out.truncated = true;
                break;
            } else {
                out.truncated = true;
            }
        }
        let mut related: Vec<String> = ranking
            .concepts
            .iter()
            .skip(1)
            .filter(|c| c.2 >= MIN_COVERAGE)
            .take(2)
            .map(|c| CONCEPTS[c.0].id.to_string())
            .collect();
        for r in concept.related {
            if related.len() >= 4 {
                break;
            }
            if !related.iter().any(|x| x == r) {
                related.push(r.to_string());
            }
        }
        out.related = related;
        out
    }
}

fn section_answer(section: &Section, score: f32, text: String) -> SectionAnswer {
    SectionAnswer {
        id: section.id.clone(),
        concept: section.concept.clone(),
        title: section.title.clone(),
        uri: format!("rust-async://sections/{}", section.id),
        score: if score.is_finite() {
            (score * 100.0).round() / 100.0
        } else {
            0.0
        },
        text,
    }
}

/// BM25's inverse document frequency.
fn idf(df: f32, n: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// About four characters a token, as the usual rule of thumb for English and code.
pub fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// The longest prefix of `markdown` within `budget` tokens that ends at a line
/// boundary outside a code block (at least the heading).
fn cut_markdown(markdown: &str, budget: usize) -> String {
    let mut out = String::new();
    let mut last_good = 0;
    let mut in_fence = false;
    for line in markdown.lines() {
        if estimate_tokens(&out) + estimate_tokens(line) + 1 > budget && last_good > 0 {
            break;
        }
        out.push_str(line);
        out.push('\n');
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence {
            last_good = out.len();
        }
    }
    out.truncate(
        last_good
            .max(markdown.lines().next().map_or(0, |l| l.len() + 1))
            .min(out.len()),
    );
    out.push_str("\n[... cut to fit max_tokens]");
    out
}

/// Lowercase, code punctuation and quotes dropped, whitespace collapsed: the
/// form in which aliases are looked up in queries.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '`' | '"' | '\'' | ',' | '.' | '(' | ')' | '[' | ']' | '{' | '}' | ';' | '?'
            )
    }) {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// `phrase` occurs in `text` on word boundaries.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
    text.match_indices(phrase).any(|(i, _)| {
        boundary(text[..i].chars().next_back()) && boundary(text[i + phrase.len()..].chars().next())
    })
}

/// The concepts of the analyser's findings (warnings and errors) in pasted code.
fn diagnosed_concepts(code: &str) -> Vec<usize> {
    use crate::analysis::{DiagnoseOptions, Severity, diagnose};
    let Ok(diagnosis) = diagnose(
        code,
        &DiagnoseOptions {
            runtime: crate::analysis::Runtime::Any,
            ..Default::default()
        },
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in diagnosis
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
    {
        if let Some(c) = CONCEPTS.iter().position(|c| c.id == f.concept) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// A query that names a concept by its id or title picks it outright.
fn direct_concept(query: &str) -> Option<usize> {
    let norm = |s: &str| crate::skill::sections::slug(s);
    let q = norm(query);
    CONCEPTS
        .iter()
        .position(|c| c.id == q || norm(c.title) == q)
}

/// Rust syntax in the query: a path, a method call awaited, a fn or a let.
fn looks_like_rust_code(query: &str) -> bool {
    const SIGNS: &[&str] = &[
        ".await",
        "fn ",
        "impl ",
        "#[",
        "let mut ",
        "&mut ",
        "Pin<",
        "move |",
        "move {",
        "tokio::",
        "std::sync",
        "std::task",
        "std::pin",
        "futures::",
    ];
    let statements = query.matches(';').count() >= 2 && query.contains("let ");
    statements || SIGNS.iter().any(|s| query.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_concepts() {
        assert_eq!(
            direct_concept("pin-unpin").map(|c| CONCEPTS[c].id),
            Some("pin-unpin")
        );
        assert_eq!(
            direct_concept("Pin and Unpin").map(|c| CONCEPTS[c].id),
            Some("pin-unpin")
        );
        assert_eq!(
            direct_concept("waker leaks").map(|c| CONCEPTS[c].id),
            Some("waker-leaks")
        );
        assert_eq!(direct_concept("why is my waker lost"), None);
    }

    #[test]
    fn cutting_keeps_code_blocks_whole() {
        let md = "## T\nline one\n```rust\nlet a = 1;\nlet b = 2;\n```\nafter\n";
        let cut = cut_markdown(md, 6);
        assert_eq!(cut.matches("```").count() % 2, 0, "{cut}");
        assert!(cut.starts_with("## T"));
    }
}

/// The readable Markdown form of an explanation (CLI output and the MCP text block).
pub fn render_markdown(e: &Explanation) -> String {
    if e.not_covered {
        let ids: Vec<&str> = CONCEPTS.iter().map(|c| c.id).collect();
        return format!(
            "The rust-async-internals skill does not cover this query. It covers Rust async internals: {}.\n",
            ids.join(", ")
        );
    }
    let mut out = String::new();
    if let Some(id) = &e.concept {
        out.push_str(&format!(
            "<!-- concept: {id}, confidence {:.2} -->\n",
            e.confidence
        ));
        // A reference file's overview brings its own `#` title.
        if !e.sections.first().is_some_and(|s| s.text.starts_with("# ")) {
            let title = crate::skill::concept(id).map_or(id.as_str(), |c| c.title);
            out.push_str(&format!("# {title}\n\n"));
        }
    }
    for s in &e.sections {
        out.push_str(&s.text);
        out.push_str(&format!("\n\n<!-- section {} -->\n\n", s.uri));
    }
    if e.truncated {
        out.push_str("_Some sections were left out to fit `max_tokens`; ask with `detail: \"full\"` or a larger budget._\n\n");
    }
    if !e.related.is_empty() {
        out.push_str(&format!("Related concepts: {}\n", e.related.join(", ")));
    }
    out
}
