//! The tantivy index of the skill's sections and the ranking of sections for
//! a query. Queries are built from the analyser's terms (never parsed as a
//! query language), so no input can make a query fail.

pub mod schema;
pub mod store;
pub mod tokenizer;

use crate::skill::Skill;
use schema::Fields;
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, Term};

/// Bumped whenever the schema, the analyser or what is indexed changes, so
/// that the prebuilt index is reported stale.
pub const INDEX_FORMAT_VERSION: &str = "rust-async-skill-index-2";

/// At most this many distinct query terms are searched (the most specific
/// ones): a pasted file must not turn into a thousand-clause query.
const MAX_QUERY_TERMS: usize = 48;

/// A searchable index over one skill's sections.
pub struct SearchIndex {
    searcher: Searcher,
    fields: Fields,
    _reader: IndexReader,
    doc_count: u64,
}

/// One ranked section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Position in `Skill::sections`.
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
    /// otherwise one built in memory (and a warning, since start-up pays for it).
    pub fn for_embedded(skill: &Skill) -> anyhow::Result<SearchIndex> {
        let files = crate::skill::embedded::index_files();
        if store::stored_fingerprint(files) == Some(skill.fingerprint().as_str()) {
            let (index, fields) = store::open(files)?;
            let me = SearchIndex::new(index, fields)?;
            if me.doc_count >= skill.sections.len() as u64 {
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
        SearchIndex::new(index, fields)
    }

    fn new(index: Index, fields: Fields) -> anyhow::Result<SearchIndex> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let doc_count = searcher.num_docs();
        Ok(SearchIndex {
            searcher,
            fields,
            _reader: reader,
            doc_count,
        })
    }

    pub fn doc_count(&self) -> u64 {
        self.doc_count
    }

    /// Analyses `query`, keeping the most specific terms the index knows.
    pub fn analyse(&self, query: &str) -> QueryTerms {
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut order = Vec::new();
        for t in tokenizer::terms(query) {
            if !seen.contains_key(&t) {
                let df = self.doc_freq(&t);
                seen.insert(t.clone(), df);
                order.push(t);
            }
        }
        let total = order.len();
        let mut known: Vec<String> = order.into_iter().filter(|t| seen[t] > 0).collect();
        let known_count = known.len();
        // Most specific (rarest) first; stable, so ties keep query order.
        known.sort_by_key(|t| seen[t]);
        known.truncate(MAX_QUERY_TERMS);
        QueryTerms {
            terms: known,
            total,
            known: known_count,
        }
    }

    /// In how many sections a term occurs, in any searchable field.
    pub fn doc_freq(&self, term: &str) -> u64 {
        self.fields
            .weighted()
            .iter()
            .map(|(f, _)| {
                self.searcher
                    .doc_freq(&Term::from_field_text(*f, term))
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0)
    }

    /// The sections (by ord) in which `term` occurs in any searchable field.
    pub fn sections_with(&self, term: &str) -> Vec<usize> {
        use tantivy::{DocSet, TERMINATED};
        let mut out = Vec::new();
        for segment in self.searcher.segment_readers() {
            let Ok(ords) = segment.fast_fields().u64("ord") else {
                continue;
            };
            for (field, _) in self.fields.weighted() {
                let Ok(inverted) = segment.inverted_index(field) else {
                    continue;
                };
                let Ok(Some(mut postings)) = inverted.read_postings(
                    &Term::from_field_text(field, term),
                    IndexRecordOption::Basic,
                ) else {
                    continue;
                };
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if let Some(ord) = ords.first(doc) {
                        out.push(ord as usize);
                    }
                    doc = postings.advance();
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Ranks sections for the analysed terms (BM25 per field, field boosts summed).
    pub fn rank(&self, terms: &QueryTerms, limit: usize) -> Vec<Hit> {
        if terms.terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in &terms.terms {
            for (field, boost) in self.fields.weighted() {
                let q = TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
        }
        let query = BooleanQuery::new(clauses);
        let Ok(top) = self
            .searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
        else {
            return Vec::new();
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let segment = self.searcher.segment_reader(addr.segment_ord);
            let Ok(ords) = segment.fast_fields().u64("ord") else {
                continue;
            };
            if let Some(ord) = ords.first(addr.doc_id) {
                hits.push(Hit {
                    ord: ord as usize,
                    score,
                });
            }
        }
        hits
    }
}
