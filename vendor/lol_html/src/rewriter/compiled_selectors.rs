//! consent-proxy patch 6: a selector program compiled once and shared by every rewriter built
//! with the same selectors (see `vendor/lol_html/PATCHES.md`).

use super::AsciiCompatibleEncoding;
use crate::selectors_vm::{Ast, Compiler, Program, Selector};
use encoding_rs::Encoding;
use std::sync::Arc;

/// The element content selectors of a [`Settings`](crate::Settings), compiled once, for rewriters
/// that would otherwise each parse nothing but compile the same program again.
///
/// Build it from the selectors in the order their handlers are appended to the settings, and
/// pass it with [`Settings::with_compiled_selectors`](crate::Settings::with_compiled_selectors).
/// A rewriter uses it only if its settings have exactly these selectors (the same `'static`
/// objects, compared by address), in this order, with the same encoding and the same
/// `adjust_charset_on_meta_tag`; otherwise it compiles its own program as before, so a mismatch
/// costs time, never a wrong match.
pub struct CompiledSelectors {
    pub(crate) program: Arc<Program>,
    addresses: Box<[usize]>,
    encoding: &'static Encoding,
    adjust_charset_on_meta_tag: bool,
}

impl CompiledSelectors {
    /// Compiles `selectors` for pages in `encoding`. `adjust_charset_on_meta_tag` must be the
    /// value the settings will have (it adds a selector of its own, first).
    #[must_use]
    pub fn new(
        selectors: &[&'static Selector],
        encoding: AsciiCompatibleEncoding,
        adjust_charset_on_meta_tag: bool,
    ) -> Self {
        let mut ast = Ast::default();
        let mut match_id = 0;
        if adjust_charset_on_meta_tag {
            ast.add_selector(&meta_selector(), match_id);
            match_id += 1;
        }
        for selector in selectors {
            ast.add_selector(selector, match_id);
            match_id += 1;
        }
        let encoding: &'static Encoding = encoding.into();
        Self {
            program: Arc::new(Compiler::new(encoding).compile(ast)),
            addresses: selectors.iter().map(|s| address(s)).collect(),
            encoding,
            adjust_charset_on_meta_tag,
        }
    }

    /// Whether a rewriter with these selectors, encoding and charset flag can use the program.
    pub(crate) fn fits<'a>(
        &self,
        selectors: impl ExactSizeIterator<Item = &'a Selector>,
        encoding: &'static Encoding,
        adjust_charset_on_meta_tag: bool,
    ) -> bool {
        self.encoding == encoding
            && self.adjust_charset_on_meta_tag == adjust_charset_on_meta_tag
            && selectors.len() == self.addresses.len()
            && selectors.zip(self.addresses.iter()).all(|(s, a)| address(s) == *a)
    }
}

/// A `'static` selector is never freed, so no other selector can ever have its address.
fn address(selector: &Selector) -> usize {
    std::ptr::from_ref(selector) as usize
}

/// The selector of the charset watcher (`Settings::adjust_charset_on_meta_tag`).
pub(crate) fn meta_selector() -> Selector {
    "meta".parse().unwrap_or_else(|_| unreachable!("a valid selector"))
}
