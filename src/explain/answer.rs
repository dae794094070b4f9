//! The answer: chosen sections cut to the token budget, and its Markdown.
use super::rank::MIN_COVERAGE;
use super::{Detail, Explainer, Explanation, Ranking, SectionAnswer};
use crate::skill::{CONCEPTS, sections::Section};

// When a brief answer hedges. Chosen on the development sets
// (tests/data/retrieval_questions.jsonl and retrieval_pasted.jsonl): every
// top-1 miss there had a runner-up at 0.55 or more of the best score, while
// the median hit's runner-up stood at 0.45; hedging below these lines shows
// the right concept within three sections for 97.7% of the questions and
// hedges 40% of the answers.
/// Below this confidence a brief answer hedges: it shows the best section of
/// the runner-up concepts next to the best concept's.
const HEDGE_CONFIDENCE: f32 = 0.4;
/// A runner-up at this share of the best concept's score or more makes the
/// answer hedge whatever the confidence.
const HEDGE_CLOSE: f32 = 0.6;
/// A runner-up must reach this share of the best concept's score to be shown.
const HEDGE_MIN_SHARE: f32 = 0.5;
/// How many runner-up concepts a hedged answer shows.
const HEDGE_CONCEPTS: usize = 2;
/// Sections in a brief answer.
const BRIEF_SECTIONS: usize = 3;

impl Explainer {
    pub(super) fn answer(&self, ranking: &Ranking, detail: Detail, max_tokens: u32) -> Explanation {
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
            Detail::Brief => self.brief_sections(ranking),
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

impl Explainer {
    /// The sections of a brief answer, best first. When the ranking is sure,
    /// the best concept's three best sections. When it is not (low confidence,
    /// or a runner-up close behind), the best concept's best section, then the
    /// best section of each plausible runner-up, then the best concept's next
    /// ones: the agent sees both readings of the query instead of three
    /// sections of one guess.
    fn brief_sections(&self, ranking: &Ranking) -> Vec<(usize, f32)> {
        let Some(&(best, s1, _)) = ranking.concepts.first() else {
            return Vec::new();
        };
        let of = |c: usize| {
            ranking
                .hits
                .iter()
                .filter(move |h| self.concept_of.get(h.ord) == Some(&c))
                .map(|h| (h.ord, h.score))
        };
        let own: Vec<(usize, f32)> = of(best).take(BRIEF_SECTIONS).collect();
        let close = ranking
            .concepts
            .get(1)
            .is_some_and(|&(_, s2, cov2)| s2 >= HEDGE_CLOSE * s1 && cov2 >= MIN_COVERAGE);
        if ranking.confidence >= HEDGE_CONFIDENCE && !close {
            return own;
        }
        let runners: Vec<(usize, f32)> = ranking
            .concepts
            .iter()
            .skip(1)
            .filter(|&&(_, s, cov)| cov >= MIN_COVERAGE && s >= HEDGE_MIN_SHARE * s1)
            .take(HEDGE_CONCEPTS)
            .filter_map(|&(c, _, _)| of(c).next())
            .collect();
        let mut picked: Vec<(usize, f32)> = own.iter().take(1).copied().collect();
        picked.extend(runners);
        picked.extend(own.iter().skip(1).copied());
        picked
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_keeps_code_blocks_whole() {
        let md = "## T\nline one\n```rust\nlet a = 1;\nlet b = 2;\n```\nafter\n";
        let cut = cut_markdown(md, 6);
        assert_eq!(cut.matches("```").count() % 2, 0, "{cut}");
        assert!(cut.starts_with("## T"));
    }
}
