use super::compiled_selectors::meta_selector;
use super::handlers_dispatcher::{ContentHandlersDispatcher, Locator};
use super::{HandlerTypes, RewritingError, Settings};
use crate::base::SharedEncoding;
use crate::html::{LocalName, Namespace};
use crate::memory::SharedMemoryLimiter;
use crate::parser::ActionError;
use crate::rewritable_units::{BailOut, DocumentEnd, Token, TokenCaptureFlags};
use crate::selectors_vm::{
    Ast, AuxStartTagInfoRequest, DenseHashSet, ElementData, SelectorMatchingVm, VmError,
};
use crate::transform_stream::{DispatcherError, StartTagHandlingResult, TransformController};
use std::sync::Arc;

pub(crate) struct ElementDescriptor {
    pub matched_content_handlers: DenseHashSet,
    pub end_tag_handler_idx: Option<Locator>,
    pub remove_content: bool,
}

impl ElementData for ElementDescriptor {
    #[inline]
    fn matched_ids_mut(&mut self) -> &mut DenseHashSet {
        &mut self.matched_content_handlers
    }

    #[inline]
    fn new() -> Self {
        Self {
            matched_content_handlers: DenseHashSet::new(),
            end_tag_handler_idx: None,
            remove_content: false,
        }
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.matched_content_handlers.is_empty()
            && self.end_tag_handler_idx.is_none()
            && !self.remove_content
    }
}

pub(crate) struct HtmlRewriteController<'h, H: HandlerTypes> {
    handlers_dispatcher: ContentHandlersDispatcher<'h, H>,
    selector_matching_vm: Option<SelectorMatchingVm<ElementDescriptor>>,
    bail_out_handlers: Vec<H::BailOutHandler<'h>>,
}

impl<'h, H: HandlerTypes> HtmlRewriteController<'h, H> {
    // `HtmlRewriter::new` has a generic `OutputSink`, so inlining this method
    // would needlessly duplicate the code for every sink.
    #[inline(never)]
    pub(super) fn from_settings(
        settings: Settings<'h, '_, H>,
        memory_limiter: &SharedMemoryLimiter,
        encoding: &SharedEncoding,
    ) -> Self {
        let mut selectors_ast = Ast::default();
        let mut dispatcher = ContentHandlersDispatcher::<H>::default();
        let has_selectors =
            !settings.element_content_handlers.is_empty() || settings.adjust_charset_on_meta_tag;

        let charset_adjust_handler = if settings.adjust_charset_on_meta_tag {
            let encoding = SharedEncoding::clone(encoding);
            Some(super::handler_adjust_charset_on_meta_tag(encoding))
        } else {
            None
        };

        // consent-proxy patch 6: a program compiled for exactly these selectors is reused; the
        // handlers are registered in the same order either way (match ids are their positions).
        let compiled = settings
            .compiled_selectors
            .as_ref()
            .filter(|c| {
                c.fits(
                    settings.element_content_handlers.iter().map(|(s, _)| &**s),
                    settings.encoding.into(),
                    settings.adjust_charset_on_meta_tag,
                )
            })
            .map(|c| Arc::clone(&c.program));

        if let Some(handlers) = charset_adjust_handler {
            let match_id = dispatcher.add_selector_associated_handlers(handlers);
            if compiled.is_none() {
                selectors_ast.add_selector(&meta_selector(), match_id);
            }
        }

        for (selector, handlers) in settings.element_content_handlers {
            let match_id = dispatcher.add_selector_associated_handlers(handlers);

            if compiled.is_none() {
                selectors_ast.add_selector(&selector, match_id);
            }
        }

        for handlers in settings.document_content_handlers {
            dispatcher.add_document_content_handlers(handlers);
        }

        let selector_matching_vm = match (has_selectors, compiled) {
            (false, _) => None,
            (true, Some(program)) => Some(SelectorMatchingVm::with_program(
                program,
                memory_limiter.clone(),
                settings.enable_esi_tags,
            )),
            (true, None) => Some(SelectorMatchingVm::new(
                selectors_ast,
                settings.encoding.into(),
                memory_limiter.clone(),
                settings.enable_esi_tags,
            )),
        };

        Self::new(dispatcher, selector_matching_vm, settings.bail_out_handlers)
    }

    #[inline]
    pub(crate) const fn new(
        handlers_dispatcher: ContentHandlersDispatcher<'h, H>,
        selector_matching_vm: Option<SelectorMatchingVm<ElementDescriptor>>,
        bail_out_handlers: Vec<H::BailOutHandler<'h>>,
    ) -> Self {
        HtmlRewriteController {
            handlers_dispatcher,
            selector_matching_vm,
            bail_out_handlers,
        }
    }
}

impl<H: HandlerTypes> HtmlRewriteController<'_, H> {
    #[inline]
    fn respond_to_aux_info_request(
        aux_info_req: AuxStartTagInfoRequest<ElementDescriptor>,
    ) -> StartTagHandlingResult<Self> {
        Err(DispatcherError::InfoRequest(Box::new(
            move |this, aux_info| {
                let Some(vm) = &mut this.selector_matching_vm else {
                    debug_assert!(false);
                    return Err(ActionError::internal("vm req without vm"));
                };
                let mut match_handler = |m| this.handlers_dispatcher.start_matching(&m);

                aux_info_req(vm, aux_info, &mut match_handler)
                    .map_err(RewritingError::MemoryLimitExceeded)?;

                Ok(this.get_capture_flags())
            },
        )))
    }

    #[inline]
    fn get_capture_flags(&self) -> TokenCaptureFlags {
        self.handlers_dispatcher.get_token_capture_flags()
    }
}

impl<H: HandlerTypes> TransformController for HtmlRewriteController<'_, H> {
    #[inline]
    fn initial_capture_flags(&self) -> TokenCaptureFlags {
        self.get_capture_flags()
    }

    fn handle_start_tag(
        &mut self,
        local_name: LocalName<'_>,
        ns: Namespace,
    ) -> StartTagHandlingResult<Self> {
        match self.selector_matching_vm {
            Some(ref mut vm) => {
                let mut match_handler = |m| self.handlers_dispatcher.start_matching(&m);

                match vm.exec_for_start_tag(local_name, ns, &mut match_handler) {
                    Ok(()) => Ok(self.get_capture_flags()),
                    Err(VmError::InfoRequest(req)) => Self::respond_to_aux_info_request(req),
                    Err(VmError::MemoryLimitExceeded(e)) => Err(DispatcherError::RewritingError(
                        RewritingError::MemoryLimitExceeded(e),
                    )),
                }
            }
            // NOTE: fast path - we can skip executing selector matching VM completely
            // and don't need to maintain open element stack if we don't have any selectors.
            None => Ok(self.get_capture_flags()),
        }
    }

    // consent-proxy patch 3 (the next three methods).
    #[inline]
    fn reads_attributes_of(&self, tag: &LocalName<'_>) -> bool {
        self.selector_matching_vm
            .as_ref()
            .is_some_and(|vm| vm.reads_attributes_of(tag))
    }

    #[inline]
    fn reads_attribute(&self, tag: &LocalName<'_>, attr: &[u8]) -> bool {
        self.selector_matching_vm
            .as_ref()
            .is_none_or(|vm| vm.reads_attribute(tag, attr))
    }

    fn handle_start_tag_without_attributes_read(
        &mut self,
        local_name: LocalName<'_>,
        ns: Namespace,
        self_closing: bool,
    ) -> Result<TokenCaptureFlags, RewritingError> {
        if let Some(ref mut vm) = self.selector_matching_vm {
            let mut match_handler = |m| self.handlers_dispatcher.start_matching(&m);

            vm.exec_for_start_tag_without_attributes_read(
                local_name,
                ns,
                self_closing,
                &mut match_handler,
            )
            .map_err(RewritingError::MemoryLimitExceeded)?;
        }

        Ok(self.get_capture_flags())
    }

    fn handle_end_tag(&mut self, local_name: LocalName<'_>) -> TokenCaptureFlags {
        if let Some(ref mut vm) = self.selector_matching_vm {
            vm.exec_for_end_tag(local_name, |elem_desc| {
                self.handlers_dispatcher.stop_matching(elem_desc);
            });
        }

        self.get_capture_flags()
    }

    #[inline]
    fn handle_token(&mut self, token: &mut Token<'_>) -> Result<(), RewritingError> {
        let current_element_data = self
            .selector_matching_vm
            .as_mut()
            .and_then(SelectorMatchingVm::current_element_data_mut);

        self.handlers_dispatcher
            .handle_token(token, current_element_data)
            .map_err(RewritingError::ContentHandlerError)
    }

    fn handle_end(&mut self, document_end: &mut DocumentEnd<'_>) -> Result<(), RewritingError> {
        self.handlers_dispatcher
            .handle_end(document_end)
            .map_err(RewritingError::ContentHandlerError)
    }

    #[inline]
    fn should_emit_content(&self) -> bool {
        !self
            .handlers_dispatcher
            .has_matched_elements_with_removed_content()
    }

    fn handle_bail_out(&mut self, error: &RewritingError, bail_out: &mut BailOut<'_>) {
        for handler in &mut self.bail_out_handlers {
            handler(error, bail_out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ElementDescriptor;

    /// consent-proxy patch 7: split stack entries never charge the memory limiter more than
    /// stock's single entry did.
    #[test]
    fn split_stack_entries_are_no_larger_than_stock_ones() {
        assert!(crate::selectors_vm::split_entries_fit::<ElementDescriptor>());
    }
}
