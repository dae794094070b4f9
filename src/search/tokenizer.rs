//! A code-aware tokenizer: prose and Rust code go through the same analyser,
//! so that `cx.waker().clone()`, `spawn_blocking`, `Pin<&mut Self>` and
//! `JoinHandle` become searchable parts (`waker`, `spawn`, `blocking`,
//! `join`, `handle`) while the whole identifiers stay searchable too, and a
//! macro name keeps its `!` as an extra token (`select!`).
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Name under which the analyser is registered in the index.
pub const ANALYZER: &str = "rust_code";

/// English words that carry no meaning for retrieval. Kept short on purpose:
/// words such as "block", "wait", "lock" or "drop" are meaningful here.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "it's",
    "just",
    "me",
    "my",
    "of",
    "on",
    "or",
    "our",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "im",
    "ive",
    "dont",
    "doesnt",
    "isnt",
    "whats",
    "hi",
    "hello",
    "please",
    "thanks",
    "anyone",
    "someone",
    "something",
    "anything",
    "use",
    "using",
    "used",
    "want",
    "need",
    "make",
    "way",
    "like",
    "also",
    "still",
    "even",
    "really",
    "about",
    "know",
    "tell",
    "explain",
    "mean",
    "means",
    "work",
    "works",
    "working",
];

/// The full analyser: split code-aware, lowercase, drop stop words, stem (English).
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CodeTokenizer)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Runs the analyser over `text` and returns its terms in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[derive(Clone, Default)]
pub struct CodeTokenizer;

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for CodeTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut emit = |text: String, from: usize, to: usize| {
            if text.chars().count() < 2 || STOP_WORDS.contains(&text.as_str()) {
                return;
            }
            let position = tokens.len();
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text,
                position_length: 1,
            });
        };
        for (start, word) in words(text) {
            let end = start + word.len();
            let lower = word.to_lowercase();
            let macro_call = text[end..].starts_with('!') && !text[end..].starts_with("!=");
            let parts = parts(word);
            emit(lower.clone(), start, end);
            if parts.len() > 1 {
                for (offset, part) in parts {
                    emit(
                        part.to_lowercase(),
                        start + offset,
                        start + offset + part.len(),
                    );
                }
            }
            if macro_call {
                emit(format!("{lower}!"), start, end + 1);
            }
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// Maximal runs of alphanumeric characters, underscores and apostrophes inside words.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let inner_apostrophe = c == '\''
            && start.is_some()
            && text[i + 1..]
                .chars()
                .next()
                .is_some_and(char::is_alphabetic)
            && bytes.get(i + 2).is_none_or(|b| !b.is_ascii_alphanumeric());
        if c.is_alphanumeric() || c == '_' || inner_apostrophe {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out.into_iter()
        .map(|(s, w)| (s, w.trim_matches('_')))
        .filter(|(_, w)| !w.is_empty())
}

/// Splits an identifier at underscores and camel-case humps:
/// `spawn_blocking` -> spawn, blocking; `JoinHandle` -> Join, Handle;
/// `RawWakerVTable` -> Raw, Waker, VTable; `E0277` stays whole.
fn parts(word: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (offset, piece) in split_keep_offsets(word, '_') {
        let chars: Vec<(usize, char)> = piece.char_indices().collect();
        let mut start = 0;
        for k in 1..chars.len() {
            let (i, c) = chars[k];
            let prev = chars[k - 1].1;
            let next_lower = chars.get(k + 1).is_some_and(|(_, n)| n.is_lowercase());
            let hump =
                c.is_uppercase() && (prev.is_lowercase() || (prev.is_uppercase() && next_lower));
            if hump {
                out.push((offset + start, &piece[start..i]));
                start = i;
            }
        }
        out.push((offset + start, &piece[start..]));
    }
    out.retain(|(_, p)| !p.is_empty());
    out
}

fn split_keep_offsets(word: &str, sep: char) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if c == sep {
            out.push((start, &word[start..i]));
            start = i + c.len_utf8();
        }
    }
    out.push((start, &word[start..]));
    out.into_iter().filter(|(_, p)| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_code() {
        let t = terms("cx.waker().clone()");
        assert_eq!(t, ["cx", "waker", "clone"]);
        let t = terms("tokio::task::spawn_blocking");
        assert!(
            t.contains(&"spawn_block".to_string()) || t.contains(&"spawn_blocking".to_string()),
            "{t:?}"
        );
        assert!(
            t.contains(&"spawn".to_string()) && t.contains(&"block".to_string()),
            "{t:?}"
        );
        let t = terms("Pin<&mut Self>");
        assert_eq!(t, ["pin", "mut", "self"]);
    }

    #[test]
    fn camel_case_and_macros() {
        let t = terms("JoinHandle RawWakerVTable");
        for want in [
            "joinhandl",
            "join",
            "handl",
            "rawwakervt",
            "raw",
            "waker",
            "tabl",
        ] {
            assert!(t.iter().any(|x| x == want), "{want} missing from {t:?}");
        }
        let t = terms("tokio::select! { }");
        assert!(
            t.contains(&"select!".to_string()) && t.contains(&"select".to_string()),
            "{t:?}"
        );
        assert!(!terms("a != b").iter().any(|x| x.ends_with('!')));
    }

    #[test]
    fn prose_is_stemmed_and_stopped() {
        let t = terms("Why is my future not being woken? It's blocking the threads");
        assert!(
            t.contains(&"futur".to_string()) && t.contains(&"thread".to_string()),
            "{t:?}"
        );
        assert!(!t.iter().any(|x| x == "why" || x == "is" || x == "the"));
        assert_eq!(terms("E0277 error[E0728]"), ["e0277", "error", "e0728"]);
    }
}
