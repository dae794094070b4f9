//! Ranking concepts and sections for a query.
use super::pasted::strip_decorations;
use super::vocabulary::{contains_phrase, direct_concept, looks_like_rust_code, normalise};
use super::{Explainer, Ranking};
use crate::search::{Hit, tokenizer};
use crate::skill::CONCEPTS;

/// Share of the query a concept must explain (besides the anchor words) to be an answer.
pub(super) const MIN_COVERAGE: f32 = 0.2;

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

impl Explainer {
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
        // Words come from the query without tool decorations; verbatim alias
        // matches (below) still see it whole, numbers included.
        let all_terms = tokenizer::terms(&strip_decorations(query));
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
                if let Some(&c) = self.concept_of.get(ord as usize)
                    && c < seen.len()
                    && !seen[c]
                {
                    seen[c] = true;
                    concept_mass[c] += w;
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
            if let Some(&c) = self.concept_of.get(h.ord)
                && c < votes.len()
                && votes[c].len() < 3
            {
                votes[c].push(h.score);
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
}

/// BM25's inverse document frequency.
fn idf(df: f32, n: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
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
        if let Some(c) = CONCEPTS.iter().position(|c| c.id == f.concept)
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
}
