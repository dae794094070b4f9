//! The README's rule table is generated from the rules' own documentation
//! (the single source). When a rule changes, refresh it with
//! `UPDATE_README=1 cargo test --test it readme_rules::`.
use rust_async_skill::analysis::rule_docs;

const START: &str = "<!-- rules-table:start -->";
const END: &str = "<!-- rules-table:end -->";

fn table() -> String {
    let mut t = String::from(
        "| rule | severity | concept | fix | what it finds |\n|---|---|---|---|---|\n",
    );
    for d in rule_docs() {
        let severity = serde_json::to_value(d.severity).unwrap();
        t.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            d.id,
            severity.as_str().unwrap_or_default(),
            d.concept,
            if d.fix { "yes" } else { "no" },
            d.title.replace('|', "\\|")
        ));
    }
    t
}

#[test]
fn readme_rule_table_matches_the_rules() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START} / {END} markers");
    };
    let current = &readme[start + START.len()..end];
    let wanted = format!("\n{}", table());
    if current != wanted {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!(
                "{}{}{}",
                &readme[..start + START.len()],
                wanted,
                &readme[end..]
            );
            std::fs::write(path, updated).unwrap();
            return;
        }
        panic!(
            "README.md's rule table is out of date: run `UPDATE_README=1 cargo test --test it readme_rules::`\nexpected:\n{wanted}"
        );
    }
    assert!(
        rule_docs().len() >= 24,
        "the floor of rules.md has 24 rules"
    );
}
