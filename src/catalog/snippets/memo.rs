//! [`whole_snippet`]'s answers remembered by the script's text: a site serves the same loader
//! snippet on every page, so it is tokenised once per catalog, not once per response.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use super::{whole_snippet, SNIPPET_MAX};

/// Most remembered scripts; when full, the memo starts over (a site has a handful of snippets).
const MEMO_MAX: usize = 4096;

/// Keyed by the text's length and a SipHash with a per-process random key: a site cannot aim a
/// different script at a remembered snippet's entry.
#[derive(Default)]
pub struct SnippetMemo {
    answers: Mutex<HashMap<(usize, u64), Option<&'static str>>>,
    keys: RandomState,
}

impl SnippetMemo {
    /// [`whole_snippet`]`(text, named)`, remembered. `named` must depend on `text` alone (the
    /// catalog passes "a vendor the text names"), as the answer is kept by text.
    pub fn whole(&self, text: &str, named: impl Fn(&str) -> bool) -> Option<&'static str> {
        if text.len() > SNIPPET_MAX {
            return None;
        }
        let key = (text.len(), self.keys.hash_one(text));
        if let Some(answer) = self.answers.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return *answer;
        }
        let answer = whole_snippet(text, named);
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        if answers.len() >= MEMO_MAX {
            answers.clear();
        }
        answers.insert(key, answer);
        answer
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.answers.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_remembered_by_text_and_stay_the_same() {
        let memo = SnippetMemo::default();
        let gtm =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snippets/gtm.js")).unwrap();
        let mixed = format!("{gtm}\nwindow.siteReady = true;");
        let gtm_named = |p: &str| p == "Google Tag Manager";
        for _ in 0..3 {
            assert_eq!(memo.whole(&gtm, gtm_named), Some("Google Tag Manager"));
            assert_eq!(memo.whole(&mixed, gtm_named), None);
        }
        assert_eq!(memo.len(), 2, "one entry per distinct text");
        // Too long to be a snippet: answered without being kept.
        let long = format!("{gtm}{}", " ".repeat(SNIPPET_MAX));
        assert_eq!(memo.whole(&long, gtm_named), None);
        assert_eq!(memo.len(), 2);
    }
}
