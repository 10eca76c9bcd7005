//! The rewritten body: upstream bytes → decode (gzip, deflate, br, zstd) → transcode when the
//! charset is not ASCII-compatible → lol_html → encode for the client, one upstream chunk at a
//! time. Any failure ends the body with an error, so the client sees a broken response and never
//! unrewritten bytes (fail closed).

use bytes::Bytes;
use http_body::{Body, Frame};
use lol_html::AsciiCompatibleEncoding;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::compression::{Decoder, Encoder};
use super::page::html::{page_rewriter, Sink};
use super::page::PageRef;
use crate::body::{BoxError, ProxyBody, RewriteError};

/// The stages between the origin's bytes and the client's.
pub struct Pipeline {
    decoder: Option<Decoder>,
    /// Declared (header) encoding; `None` means sniff a BOM, else windows-1252 until a `<meta>`.
    declared: Option<&'static encoding_rs::Encoding>,
    transcoder: Option<encoding_rs::Decoder>,
    rewriter: Option<lol_html::send::HtmlRewriter<'static, Sink>>,
    sink: Sink,
    encoder: Option<Encoder>,
    page: PageRef,
}

impl Pipeline {
    pub fn new(
        decoder: Decoder,
        encoder: Encoder,
        declared: Option<&'static encoding_rs::Encoding>,
        page: PageRef,
    ) -> Self {
        Self {
            decoder: Some(decoder),
            declared,
            transcoder: None,
            rewriter: None,
            sink: Sink::default(),
            encoder: Some(encoder),
            page,
        }
    }

    /// Whether a declared encoding must be transcoded to UTF-8 for lol_html.
    pub fn needs_transcoding(encoding: &'static encoding_rs::Encoding) -> bool {
        AsciiCompatibleEncoding::new(encoding).is_none()
    }

    /// Starts lol_html on the first decoded bytes (a BOM decides the encoding).
    fn start(&mut self, first: &[u8]) {
        let bom = encoding_rs::Encoding::for_bom(first).map(|(e, _)| e);
        let declared = bom.or(self.declared);
        let parse_as = match declared {
            Some(e) if Self::needs_transcoding(e) => {
                self.transcoder = Some(e.new_decoder_with_bom_removal());
                AsciiCompatibleEncoding::utf_8()
            }
            Some(e) => AsciiCompatibleEncoding::new(e).expect("checked ASCII-compatible"),
            // Undeclared: windows-1252 maps every byte, so untouched bytes round-trip exactly;
            // a <meta charset> switches the parser.
            None => AsciiCompatibleEncoding::new(encoding_rs::WINDOWS_1252).expect("windows-1252 is ASCII-compatible"),
        };
        self.rewriter = Some(page_rewriter(self.page.clone(), parse_as, declared.is_some(), self.sink.clone()));
    }

    fn rewrite(&mut self, decoded: &[u8], last: bool) -> Result<(), RewriteError> {
        if self.rewriter.is_none() {
            if decoded.is_empty() && !last {
                return Ok(());
            }
            self.start(decoded);
        }
        let utf8;
        let input = match self.transcoder.as_mut() {
            Some(t) => {
                let mut s = String::with_capacity(t.max_utf8_buffer_length(decoded.len()).unwrap_or(decoded.len() * 3));
                let _ = t.decode_to_string(decoded, &mut s, last);
                utf8 = s;
                utf8.as_bytes()
            }
            None => decoded,
        };
        // Output is about the input's size; rewriting adds a little (markers, the banner).
        self.sink.reserve(input.len() + input.len() / 8 + 256);
        let rewriter = self.rewriter.as_mut().expect("started above");
        rewriter.write(input).map_err(|e| RewriteError::new(reason_of(&e), e))
    }

    fn encode(&mut self) -> Result<Vec<u8>, RewriteError> {
        let out = self.sink.take();
        let enc = self.encoder.as_mut().expect("encoder lives until finish");
        if out.is_empty() || enc.is_identity() {
            return Ok(out);
        }
        enc.write_and_flush(&out).map_err(|e| RewriteError::new("encode", e))
    }

    /// One upstream chunk in, whatever is ready out.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>, RewriteError> {
        let decoder = self.decoder.as_mut().expect("decoder lives until finish");
        if decoder.is_identity() {
            self.rewrite(data, false)?;
            return self.encode();
        }
        decoder.write(data).map_err(|e| RewriteError::new("decode", e))?;
        let decoded = decoder.output();
        self.rewrite(&decoded, false)?;
        self.encode()
    }

    /// The origin's body ended: flush every stage.
    ///
    /// A document that ends inside a tag (`…<script src="https://tracker…` and no `>`) never
    /// reaches a handler; lol_html passes those bytes through at the end. A browser drops an
    /// unfinished tag at the end of the input, but not once the banner is appended after it (its
    /// first quote and `>` would complete the tag): everything lol_html flushes at the end from
    /// its first `<` on is cut, which is what the browser would have done with it.
    pub fn finish(&mut self) -> Result<Vec<u8>, RewriteError> {
        let decoder = self.decoder.take().expect("finish runs once");
        let rest = decoder.finish().map_err(|e| RewriteError::new("decode", e))?;
        self.rewrite(&rest, true)?;
        let mut out = self.sink.take();
        if let Some(rewriter) = self.rewriter.take() {
            rewriter.end().map_err(|e| RewriteError::new(reason_of(&e), e))?;
            let mut tail = self.sink.take();
            let ours = self.page.lock().unwrap_or_else(|e| e.into_inner()).appended_at_end;
            let flushed = tail.len().saturating_sub(ours);
            if let Some(at) = tail[..flushed].iter().position(|&b| b == b'<') {
                tail.drain(at..flushed);
            }
            out.extend_from_slice(&tail);
        }
        self.sink.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(&out);
        let mut out = self.encode()?;
        let enc = self.encoder.take().expect("finish runs once");
        out.extend(enc.finish().map_err(|e| RewriteError::new("encode", e))?);
        Ok(out)
    }
}

fn reason_of(e: &lol_html::errors::RewritingError) -> &'static str {
    match e {
        lol_html::errors::RewritingError::MemoryLimitExceeded(_) => "memory_limit",
        lol_html::errors::RewritingError::ParsingAmbiguity(_) => "parsing_ambiguity",
        _ => "rewrite",
    }
}

/// A response body run through a [`Pipeline`].
pub struct RewriteBody {
    inner: ProxyBody,
    pipeline: Pipeline,
    done: bool,
}

impl RewriteBody {
    pub fn new(inner: ProxyBody, pipeline: Pipeline) -> Self {
        Self { inner, pipeline, done: false }
    }

    fn failed(&mut self, e: RewriteError) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.done = true;
        let p = self.pipeline.page.lock().unwrap_or_else(|e| e.into_inner());
        p.shared.metrics.html_rewrite_errors_total.with_label_values(&[e.reason]).inc();
        tracing::warn!(reason = e.reason, error = %e.detail, "HTML rewrite failed: response aborted (fail closed)");
        Poll::Ready(Some(Err(Box::new(e))))
    }
}

impl Body for RewriteBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else { continue };
                    match this.pipeline.push(&data) {
                        Ok(out) if out.is_empty() => continue,
                        Ok(out) => return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out))))),
                        Err(e) => return this.failed(e),
                    }
                }
                Some(Err(e)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                None => {
                    this.done = true;
                    return match this.pipeline.finish() {
                        Ok(out) if out.is_empty() => Poll::Ready(None),
                        Ok(out) => Poll::Ready(Some(Ok(Frame::data(Bytes::from(out))))),
                        Err(e) => this.failed(e),
                    };
                }
            }
        }
    }
}
