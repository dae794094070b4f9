//! `fix`: suggest_fix on a file or stdin.
use super::FixArgs;

pub fn run(_args: &FixArgs) -> u8 {
    super::fail("`fix` is not built yet (see the issue on suggest_fix)")
}
