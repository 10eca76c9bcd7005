pub mod parsing;
pub mod rewriting;
pub mod selector_matching;
