#[macro_use]
mod actions;
mod conditions;

use crate::base::{Align, Bytes, Range};
use crate::parser::state_machine::{ActionError, ActionResult};
use crate::html::{LocalName, LocalNameHash, Namespace, TextType};
use crate::parser::state_machine::{FeedbackDirective, StateMachine, StateResult};
use crate::parser::{ParserContext, ParserDirective, ParsingAmbiguityError, TreeBuilderFeedback};
use crate::rewriter::RewritingError;
use std::cmp::min;

pub(crate) trait TagHintSink {
    fn handle_start_tag_hint(
        &mut self,
        name: LocalName<'_>,
        ns: Namespace,
    ) -> Result<ParserDirective, RewritingError>;
    fn handle_end_tag_hint(
        &mut self,
        name: LocalName<'_>,
    ) -> Result<ParserDirective, RewritingError>;

    /// consent-proxy patch 3. Whether attributes of a `tag` start tag may be read. When they may, the start tag hint
    /// waits for the end of the tag (`handle_start_tag_end_hint`) instead of
    /// `handle_start_tag_hint` after the name.
    fn reads_attributes_of(&self, _tag: &LocalName<'_>) -> bool {
        false
    }

    /// Whether the attribute `attr` (as written) of a `tag` start tag may be read.
    fn reads_attribute(&self, _tag: &LocalName<'_>, _attr: &[u8]) -> bool {
        true
    }

    /// The start tag hint given at the end of the tag: whether an attribute that may be read
    /// (`reads_attribute`) is on the tag, and whether the tag is self-closing.
    fn handle_start_tag_end_hint(
        &mut self,
        name: LocalName<'_>,
        ns: Namespace,
        _has_attribute_read: bool,
        _self_closing: bool,
    ) -> Result<ParserDirective, RewritingError> {
        self.handle_start_tag_hint(name, ns)
    }
}

pub(crate) type State<S> =
    fn(&mut TagScanner<S>, context: &mut ParserContext<S>, &[u8]) -> StateResult;

/// Tag scanner skips the majority of lexer operations and, thus,
/// is faster. It also has much less requirements for buffering which makes it more
/// prone to bailouts caused by buffer exhaustion (actually it buffers only tag names).
///
/// Tag scanner produces tag previews as an output which serve as a hint for
/// the matcher which can then switch to the lexer if required.
///
/// It's not guaranteed that tag preview will actually produce the token in the end
/// of the input (e.g. `<div` will produce a tag preview, but not tag token). However,
/// it's not a concern for our use case as no content will be erroneously captured
/// in this case.
pub(crate) struct TagScanner<S> {
    next_pos: usize,
    is_last_input: bool,
    tag_start: Option<usize>,
    ch_sequence_matching_start: Option<usize>,
    tag_name_start: usize,
    is_in_end_tag: bool,
    tag_name_hash: LocalNameHash,
    last_start_tag_name_hash: LocalNameHash,
    cdata_allowed: bool,
    state: State<S>,
    closing_quote: u8,
    pending_text_type_change: Option<TextType>,
    last_text_type: TextType,
    /// consent-proxy patch 3: the start tag's hint waits for its end (see `TagHintSink::reads_attributes_of`).
    end_hint_pending: bool,
    tag_name_end: usize,
    end_hint_ns: Namespace,
    /// `end_hint_pending` and none of the awaited names seen yet.
    awaiting_attr_names: bool,
    has_attribute_read: bool,
    self_closing: bool,
    attr_name_start: usize,
}

impl<S: TagHintSink> TagScanner<S> {
    pub fn new() -> Self {
        Self {
            next_pos: 0,
            is_last_input: false,
            tag_start: None,
            ch_sequence_matching_start: None,
            tag_name_start: 0,
            is_in_end_tag: false,
            tag_name_hash: LocalNameHash::default(),
            last_start_tag_name_hash: LocalNameHash::default(),
            cdata_allowed: false,
            state: Self::data_state,
            closing_quote: b'"',
            pending_text_type_change: None,
            last_text_type: TextType::Data,
            end_hint_pending: false,
            tag_name_end: 0,
            end_hint_ns: Namespace::Html,
            awaiting_attr_names: false,
            has_attribute_read: false,
            self_closing: false,
            attr_name_start: 0,
        }
    }

    fn emit_tag_hint(
        &mut self,
        context: &mut ParserContext<S>,
        input: &[u8],
        is_in_end_tag: bool,
    ) -> Result<ParserDirective, RewritingError> {
        // consent-proxy patch 3: the name through `tag_name`, as at the end of a deferred tag.
        let name = self.tag_name(input, self.pos());

        trace!(@output name);

        if is_in_end_tag {
            context.output_sink.handle_end_tag_hint(name)
        } else {
            self.last_start_tag_name_hash = self.tag_name_hash;

            let ns = context.tree_builder_simulator.current_ns();

            context.output_sink.handle_start_tag_hint(name, ns)
        }
    }

    #[inline]
    fn try_apply_tree_builder_feedback(
        &mut self,
        context: &mut ParserContext<S>,
    ) -> Result<Option<TreeBuilderFeedback>, ParsingAmbiguityError> {
        let feedback = if self.is_in_end_tag {
            context
                .tree_builder_simulator
                .get_feedback_for_end_tag(self.tag_name_hash)
        } else {
            context
                .tree_builder_simulator
                .get_feedback_for_start_tag(self.tag_name_hash)?
        };

        Ok(match feedback {
            TreeBuilderFeedback::SwitchTextType(text_type) => {
                // NOTE: we can't switch type immediately as we are in the middle of tag parsing.
                // So, we need to switch later on the `emit_tag` action.
                self.pending_text_type_change = Some(text_type);
                None
            }
            TreeBuilderFeedback::SetAllowCdata(cdata_allowed) => {
                self.cdata_allowed = cdata_allowed;
                None
            }
            TreeBuilderFeedback::RequestLexeme(_) => Some(feedback),
            TreeBuilderFeedback::None => None,
        })
    }

    // consent-proxy patch 3.
    #[inline]
    fn reads_attributes_of_current_tag(&self, context: &ParserContext<S>, input: &[u8]) -> bool {
        context
            .output_sink
            .reads_attributes_of(&self.tag_name(input, self.pos()))
    }

    /// The current tag's name, which ends at `end` (consent-proxy patch 3).
    #[inline]
    fn tag_name<'i>(&self, input: &'i [u8], end: usize) -> LocalName<'i> {
        let name_range = Range {
            start: self.tag_name_start,
            end,
        };

        LocalName::new(Bytes::new(input), name_range, self.tag_name_hash)
    }

    /// consent-proxy patch 3. Notes whether the attribute name just finished may be read. Same range as the lexer's
    /// `finish_attr_name`.
    #[inline(never)]
    fn note_attr_name(&mut self, context: &mut ParserContext<S>, input: &[u8]) {
        let name = input.get(self.attr_name_start..self.pos()).unwrap_or_default();

        let tag = self.tag_name(input, self.tag_name_end);

        let has_attribute_read = context.output_sink.reads_attribute(&tag, name);

        if has_attribute_read {
            self.has_attribute_read = true;
            self.awaiting_attr_names = false;
        }
    }

    /// consent-proxy patch 3. At the end of a start tag whose hint was deferred: gives the hint, and hands the tag to
    /// the lexer from its start if asked to.
    #[inline(never)]
    fn finish_end_hint(&mut self, context: &mut ParserContext<S>, input: &[u8]) -> ActionResult {
        self.end_hint_pending = false;
        self.awaiting_attr_names = false;

        let tag_start = self
            .tag_start
            .take()
            .ok_or_else(|| ActionError::internal("Tag start should be set at this point"))?;

        let name = self.tag_name(input, self.tag_name_end);

        trace!(@output name);

        let directive = context.output_sink.handle_start_tag_end_hint(
            name,
            self.end_hint_ns,
            self.has_attribute_read,
            self.self_closing,
        )?;

        if let ParserDirective::Lex = directive {
            let feedback_directive = self.take_feedback_directive();

            return self.change_parser_directive(tag_start, ParserDirective::Lex, feedback_directive);
        }

        Ok(())
    }

    #[inline]
    fn take_feedback_directive(&mut self) -> FeedbackDirective {
        self.pending_text_type_change
            .take()
            .map_or(FeedbackDirective::Skip, |text_type| {
                FeedbackDirective::ApplyUnhandledFeedback(TreeBuilderFeedback::SwitchTextType(
                    text_type,
                ))
            })
    }
}

impl<S: TagHintSink> StateMachine for TagScanner<S> {
    impl_common_sm_accessors!();
    impl_common_input_cursor_methods!();

    #[inline]
    fn set_state(&mut self, state: State<S>) {
        self.state = state;
    }

    #[inline]
    fn state(&self) -> State<S> {
        self.state
    }

    #[inline]
    fn get_consumed_byte_count(&self, input: &[u8]) -> usize {
        // NOTE: if we are in character sequence matching we need
        // to block from the position where matching starts. We don't
        // need to do that manually in the lexer because it
        // always blocks all bytes starting from lexeme start and it's
        // guaranteed that character sequence matching occurs within
        // lexeme boundaries.
        match (self.tag_start, self.ch_sequence_matching_start) {
            (Some(tag_start), Some(ch_sequence_matching_start)) => {
                min(tag_start, ch_sequence_matching_start)
            }
            (Some(tag_start), None) => tag_start,
            (None, Some(ch_sequence_matching_start)) => ch_sequence_matching_start,
            (None, None) => input.len(),
        }
    }

    fn adjust_for_next_input(&mut self) {
        if let Some(tag_start) = self.tag_start {
            self.tag_name_start.align(tag_start);
            self.tag_name_end.align(tag_start); // consent-proxy patch 3 (and the next line)
            self.attr_name_start.align(tag_start);
            self.tag_start = Some(0);
        }
    }

    #[inline]
    fn adjust_to_bookmark(&mut self, _pos: usize, _feedback_directive: FeedbackDirective) {
        trace!(@noop);
    }

    #[inline]
    fn enter_ch_sequence_matching(&mut self) {
        self.ch_sequence_matching_start = Some(self.pos());
    }

    #[inline]
    fn leave_ch_sequence_matching(&mut self) {
        self.ch_sequence_matching_start = None;
    }
}
