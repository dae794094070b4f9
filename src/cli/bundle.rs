//! `bundle DIR`: write the installable skill bundle.
use super::BundleArgs;

pub fn run(_args: &BundleArgs) -> u8 {
    super::fail("`bundle` is not built yet (see the issue on the skill bundle)")
}
