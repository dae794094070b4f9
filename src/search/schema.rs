//! The index schema: one document per section.
use super::tokenizer::ANALYZER;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// The fields of a section document, and how much a match in each counts.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Position of the section in `Skill::sections` (fast field, read per hit).
    pub ord: Field,
    pub id: Field,
    pub concept: Field,
    pub title: Field,
    pub headings: Field,
    pub aliases: Field,
    pub body: Field,
    pub code: Field,
}

impl Fields {
    /// Searchable text fields with their boosts: aliases (other names, pasted
    /// errors) > title > headings = body > code.
    pub fn weighted(&self) -> [(Field, f32); 5] {
        [
            (self.title, 2.0),
            (self.aliases, 3.0),
            (self.headings, 1.0),
            (self.body, 1.0),
            (self.code, 0.5),
        ]
    }
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        ord: b.add_u64_field("ord", FAST | STORED),
        id: b.add_text_field("id", STRING | STORED),
        concept: b.add_text_field("concept", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        headings: b.add_text_field("headings", text.clone()),
        aliases: b.add_text_field("aliases", text.clone()),
        body: b.add_text_field("body", text.clone()),
        code: b.add_text_field("code", text),
    };
    (b.build(), fields)
}
