//! The tantivy index of the skill's sections and BM25 ranking over it.
//!
//! The index is built with tantivy (`store.rs`) and shipped prebuilt. When it
//! is opened, its postings, term frequencies and field lengths are read once
//! into memory (a few hundred KiB for the whole skill); queries are then
//! scored with tantivy's BM25 formula directly over those tables, which costs
//! microseconds instead of setting up a query tree per request. Queries are
//! built from the analyser's terms (never parsed as a query language), so no
//! input can make a query fail.

pub mod schema;
pub mod store;
pub mod tokenizer;

use crate::skill::Skill;
use schema::Fields;
use std::collections::HashMap;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Index, ReloadPolicy, TERMINATED};

/// Bumped whenever the schema, the analyser or what is indexed changes, so
/// that the prebuilt index is reported stale.
pub const INDEX_FORMAT_VERSION: &str = "rust-async-skill-index-2";

/// At most this many distinct query terms are searched (the most specific
/// ones): a pasted file must not turn into a thousand-term query.
const MAX_QUERY_TERMS: usize = 48;

/// BM25 parameters, as tantivy uses them.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Number of searchable text fields (see `Fields::weighted`).
const FIELDS: usize = 5;

/// A searchable index over one skill's sections (and one document per concept).
pub struct SearchIndex {
    doc_count: u32,
    /// One past the largest ord (concept documents have ords past the
    /// sections, with gaps for concepts that have no sections).
    slots: usize,
    boosts: [f32; FIELDS],
    /// Length in tokens of each document's field, by ord.
    lengths: [Vec<u32>; FIELDS],
    average_length: [f32; FIELDS],
    terms: HashMap<String, TermEntry>,
}

/// What the index holds for one term.
#[derive(Debug, Clone, Default)]
pub struct TermEntry {
    /// Documents (by ord) holding the term in any searchable field, sorted.
    pub ords: Vec<u32>,
    /// Per field: (ord, term frequency) of every document holding the term.
    postings: [Vec<(u32, u32)>; FIELDS],
}

/// One ranked document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Position in `Skill::sections` (ords past the sections are concept documents).
    pub ord: usize,
    pub score: f32,
}

/// The analysed query and what the index knows of its terms.
#[derive(Debug, Clone, Default)]
pub struct QueryTerms {
    /// Distinct terms searched, most specific first.
    pub terms: Vec<String>,
    /// Distinct content terms of the query, known to the index or not.
    pub total: usize,
    /// How many of them occur somewhere in the skill.
    pub known: usize,
}

impl SearchIndex {
    /// The index embedded in the binary, if it matches the embedded skill;
    /// otherwise one built in memory (and a warning, since that costs time).
    pub fn for_embedded(skill: &Skill) -> anyhow::Result<SearchIndex> {
        let files = crate::skill::embedded::index_files();
        if store::stored_fingerprint(files) == Some(skill.fingerprint().as_str()) {
            let (index, fields) = store::open(files)?;
            let me = SearchIndex::load(&index, &fields)?;
            if me.doc_count as usize >= skill.sections.len() {
                return Ok(me);
            }
        }
        tracing::warn!(
            "the embedded index does not match the embedded skill; building one in memory (run `rust-async-skill index`)"
        );
        SearchIndex::build(skill)
    }

    /// Builds an index of `skill` in memory.
    pub fn build(skill: &Skill) -> anyhow::Result<SearchIndex> {
        let (index, _dir, fields) = store::build(skill)?;
        SearchIndex::load(&index, &fields)
    }

    /// Reads postings, frequencies and field lengths of a built index into memory.
    fn load(index: &Index, fields: &Fields) -> anyhow::Result<SearchIndex> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let doc_count = searcher.num_docs() as u32;
        let weighted = fields.weighted();
        let mut slots = 0usize;
        for segment in searcher.segment_readers() {
            let ords = segment.fast_fields().u64("ord")?;
            for doc in 0..segment.max_doc() {
                if let Some(ord) = ords.first(doc) {
                    slots = slots.max(ord as usize + 1);
                }
            }
        }
        let mut lengths: [Vec<u32>; FIELDS] = Default::default();
        for l in &mut lengths {
            l.resize(slots, 0);
        }
        let mut total_tokens = [0u64; FIELDS];
        let mut terms: HashMap<String, TermEntry> = HashMap::new();
        for segment in searcher.segment_readers() {
            let ords = segment.fast_fields().u64("ord")?;
            let ord_of = |doc| ords.first(doc).map(|o| o as u32);
            for (i, (field, _)) in weighted.iter().enumerate() {
                let norms = segment.get_fieldnorms_reader(*field)?;
                for doc in 0..segment.max_doc() {
                    if let Some(ord) = ord_of(doc) {
                        lengths[i][ord as usize] = norms.fieldnorm(doc);
                    }
                }
                let inverted = segment.inverted_index(*field)?;
                total_tokens[i] += inverted.total_num_tokens();
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    let Ok(text) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let mut postings = inverted.read_postings_from_terminfo(
                        stream.value(),
                        IndexRecordOption::WithFreqs,
                    )?;
                    let entry = terms.entry(text.to_string()).or_default();
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        if let Some(ord) = ord_of(doc) {
                            use tantivy::postings::Postings;
                            entry.postings[i].push((ord, postings.term_freq()));
                            entry.ords.push(ord);
                        }
                        doc = postings.advance();
                    }
                }
            }
        }
        for entry in terms.values_mut() {
            entry.ords.sort_unstable();
            entry.ords.dedup();
        }
        let average_length =
            std::array::from_fn(|i| (total_tokens[i] as f32 / doc_count.max(1) as f32).max(1.0));
        let boosts = std::array::from_fn(|i| weighted[i].1);
        Ok(SearchIndex {
            doc_count,
            slots,
            boosts,
            lengths,
            average_length,
            terms,
        })
    }

    pub fn doc_count(&self) -> u64 {
        u64::from(self.doc_count)
    }

    /// Analyses `query`, keeping the most specific terms the index knows.
    pub fn analyse(&self, query: &str) -> QueryTerms {
        self.analyse_terms(tokenizer::terms(query))
    }

    /// Like [`analyse`](Self::analyse), for terms the caller already has.
    pub fn analyse_terms(&self, analysed: Vec<String>) -> QueryTerms {
        let mut distinct: Vec<String> = Vec::new();
        for t in analysed {
            if !distinct.contains(&t) {
                distinct.push(t);
            }
        }
        let total = distinct.len();
        let mut known: Vec<String> = distinct
            .into_iter()
            .filter(|t| self.doc_freq(t) > 0)
            .collect();
        let known_count = known.len();
        // Most specific (rarest) first; stable, so ties keep query order.
        known.sort_by_key(|t| self.doc_freq(t));
        known.truncate(MAX_QUERY_TERMS);
        QueryTerms {
            terms: known,
            total,
            known: known_count,
        }
    }

    /// In how many documents a term occurs, in any searchable field.
    pub fn doc_freq(&self, term: &str) -> u64 {
        self.terms.get(term).map_or(0, |t| t.ords.len() as u64)
    }

    /// The documents (by ord) in which `term` occurs in any searchable field.
    pub fn sections_with(&self, term: &str) -> &[u32] {
        self.terms.get(term).map_or(&[], |t| t.ords.as_slice())
    }

    /// Ranks documents for the analysed terms: BM25 per field, times the
    /// field's boost, summed over fields and terms; best `limit` first.
    pub fn rank(&self, terms: &QueryTerms, limit: usize) -> Vec<Hit> {
        if terms.terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let n = self.doc_count as f32;
        let mut scores = vec![0f32; self.slots];
        for t in &terms.terms {
            let Some(entry) = self.terms.get(t) else {
                continue;
            };
            for (f, postings) in entry.postings.iter().enumerate() {
                if postings.is_empty() {
                    continue;
                }
                let df = postings.len() as f32;
                let weight = self.boosts[f] * (1.0 + (n - df + 0.5) / (df + 0.5)).ln() * (K1 + 1.0);
                let (lengths, average) = (&self.lengths[f], self.average_length[f]);
                for &(ord, tf) in postings {
                    let tf = tf as f32;
                    let norm = K1 * (1.0 - B + B * lengths[ord as usize] as f32 / average);
                    scores[ord as usize] += weight * tf / (tf + norm);
                }
            }
        }
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0.0)
            .map(|(ord, score)| Hit { ord, score })
            .collect();
        let by_score = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.ord.cmp(&b.ord));
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, by_score);
            hits.truncate(limit);
        }
        hits.sort_by(by_score);
        hits
    }
}
