//! `rules [ID]`: the analyser's rule catalogue.
use super::RulesArgs;

pub fn run(_args: &RulesArgs) -> u8 {
    super::fail("`rules` is not built yet: the analyser is being written (see the issue on diagnose_snippet)")
}
