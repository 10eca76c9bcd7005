//! Content codings for rewritten bodies: the origin's gzip, deflate, br or zstd is decoded, and the
//! rewritten page re-encoded for the client at a fast level, flushed on every upstream chunk so
//! early-flushed HTML is not held back. Both sides write into a `Vec<u8>` the caller drains.

use std::io::{self, Write};

/// A content coding the proxy can decode and encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Deflate,
    Brotli,
    Zstd,
}

impl Coding {
    /// `None` for a coding we cannot decode (then the page cannot be rewritten: fail closed).
    pub fn from_header(value: Option<&str>) -> Option<Self> {
        let v = value.map(|v| v.trim().to_ascii_lowercase());
        Some(match v.as_deref() {
            None | Some("") | Some("identity") => Self::Identity,
            Some("gzip") | Some("x-gzip") => Self::Gzip,
            Some("deflate") => Self::Deflate,
            Some("br") => Self::Brotli,
            Some("zstd") => Self::Zstd,
            Some(_) => return None,
        })
    }

    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some("gzip"),
            Self::Deflate => Some("deflate"),
            Self::Brotli => Some("br"),
            Self::Zstd => Some("zstd"),
        }
    }

    /// The client's preferred coding among the ones we produce: zstd, then br, then gzip
    /// (q-values of zero exclude a coding).
    pub fn negotiate(accept_encoding: Option<&str>) -> Self {
        let Some(accept) = accept_encoding else { return Self::Identity };
        let accepted = |name: &str| {
            accept.split(',').any(|item| {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or("").trim();
                let q = parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.trim().parse::<f32>().ok());
                coding.eq_ignore_ascii_case(name) && q.is_none_or(|q| q > 0.0)
            })
        };
        [(Self::Zstd, "zstd"), (Self::Brotli, "br"), (Self::Gzip, "gzip")]
            .into_iter()
            .find(|(_, n)| accepted(n))
            .map_or(Self::Identity, |(c, _)| c)
    }
}

/// The codings the proxy asks the origin for: those the client accepts that we can decode, or
/// `identity` when there are none (an absent `Accept-Encoding` would let the origin pick any
/// coding, and a non-HTML body reaches the client as the origin coded it).
pub fn upstream_accept_encoding(client: Option<&str>) -> Option<String> {
    let client = client?;
    let ours: Vec<&str> = client.split(',').filter(|item| decodable(item)).map(str::trim).collect();
    Some(if ours.is_empty() { "identity".to_string() } else { ours.join(", ") })
}

/// The client accepts only codings the proxy can decode (the common case: nothing to change).
pub fn all_decodable(client: &str) -> bool {
    client.split(',').all(decodable)
}

fn decodable(item: &str) -> bool {
    let coding = item.split(';').next().unwrap_or("").trim();
    ["gzip", "deflate", "br", "zstd", "identity"].iter().any(|c| c.eq_ignore_ascii_case(coding))
}

/// Streaming decoder into an owned buffer.
pub enum Decoder {
    Identity(Vec<u8>),
    Gzip(flate2::write::MultiGzDecoder<Vec<u8>>),
    Deflate(flate2::write::ZlibDecoder<Vec<u8>>),
    Brotli(Box<brotli::DecompressorWriter<Vec<u8>>>),
    Zstd(Box<ZstdDecoder>),
}

/// zstd's raw decoder, so the end of the frame is known: a body cut short is an error.
pub struct ZstdDecoder {
    raw: zstd::stream::raw::Decoder<'static>,
    out: Vec<u8>,
    frame_complete: bool,
}

impl ZstdDecoder {
    fn write(&mut self, input: &[u8]) -> io::Result<()> {
        use zstd::stream::raw::{InBuffer, Operation, OutBuffer};
        let mut inb = InBuffer::around(input);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let mut outb = OutBuffer::around(&mut buf[..]);
            let hint = self.raw.run(&mut inb, &mut outb)?;
            let produced = outb.pos();
            self.out.extend_from_slice(&buf[..produced]);
            if hint == 0 {
                self.frame_complete = true;
                if inb.pos() < input.len() {
                    // Another frame follows (concatenated frames are valid zstd).
                    self.raw.reinit()?;
                    self.frame_complete = false;
                    continue;
                }
            } else if produced > 0 || inb.pos() < input.len() {
                self.frame_complete = false;
            }
            if inb.pos() == input.len() && produced < buf.len() {
                return Ok(());
            }
        }
    }
}

impl Decoder {
    pub fn new(coding: Coding) -> io::Result<Self> {
        Ok(match coding {
            Coding::Identity => Self::Identity(Vec::new()),
            Coding::Gzip => Self::Gzip(flate2::write::MultiGzDecoder::new(Vec::new())),
            Coding::Deflate => Self::Deflate(flate2::write::ZlibDecoder::new(Vec::new())),
            Coding::Brotli => Self::Brotli(Box::new(brotli::DecompressorWriter::new(Vec::new(), 16 * 1024))),
            Coding::Zstd => Self::Zstd(Box::new(ZstdDecoder {
                raw: zstd::stream::raw::Decoder::new()?,
                out: Vec::new(),
                frame_complete: false,
            })),
        })
    }

    /// No coding: the caller can use the bytes as they are, without a copy through [`Self::write`].
    pub fn is_identity(&self) -> bool {
        matches!(self, Self::Identity(_))
    }

    /// Feeds compressed bytes; decoded bytes accumulate in [`Self::output`].
    pub fn write(&mut self, input: &[u8]) -> io::Result<()> {
        match self {
            Self::Identity(v) => v.write_all(input),
            Self::Gzip(d) => d.write_all(input),
            Self::Deflate(d) => d.write_all(input),
            Self::Brotli(d) => d.write_all(input),
            Self::Zstd(d) => d.write(input),
        }
    }

    /// Takes what has been decoded so far.
    pub fn output(&mut self) -> Vec<u8> {
        std::mem::take(match self {
            Self::Identity(v) => v,
            Self::Gzip(d) => d.get_mut(),
            Self::Deflate(d) => d.get_mut(),
            Self::Brotli(d) => d.get_mut(),
            Self::Zstd(d) => &mut d.out,
        })
    }

    /// Checks the stream ended properly (a truncated compressed body is an error) and returns the
    /// last decoded bytes.
    pub fn finish(self) -> io::Result<Vec<u8>> {
        match self {
            Self::Identity(v) => Ok(v),
            Self::Gzip(d) => d.finish(),
            Self::Deflate(d) => d.finish(),
            Self::Brotli(d) => {
                d.into_inner().map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "truncated brotli body"))
            }
            Self::Zstd(d) if d.frame_complete => Ok(d.out),
            Self::Zstd(_) => Err(io::Error::new(io::ErrorKind::InvalidData, "truncated zstd body")),
        }
    }
}

/// Streaming encoder into an owned buffer, flushed per chunk.
pub enum Encoder {
    Identity(Vec<u8>),
    Gzip(flate2::write::GzEncoder<Vec<u8>>),
    Deflate(flate2::write::ZlibEncoder<Vec<u8>>),
    Brotli(Box<brotli::CompressorWriter<Vec<u8>>>),
    Zstd(zstd::stream::write::Encoder<'static, Vec<u8>>),
}

impl Encoder {
    /// Fast levels: re-compression must not cost more than the rewrite (gzip 1, brotli 4, zstd 1).
    pub fn new(coding: Coding) -> io::Result<Self> {
        Ok(match coding {
            Coding::Identity => Self::Identity(Vec::new()),
            Coding::Gzip => Self::Gzip(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1))),
            Coding::Deflate => Self::Deflate(flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(1))),
            Coding::Brotli => Self::Brotli(Box::new(brotli::CompressorWriter::new(Vec::new(), 16 * 1024, 4, 22))),
            Coding::Zstd => Self::Zstd(zstd::stream::write::Encoder::new(Vec::new(), 1)?),
        })
    }

    /// No coding: the caller can send its bytes as they are, without a copy.
    pub fn is_identity(&self) -> bool {
        matches!(self, Self::Identity(_))
    }

    /// Compresses `input` and flushes, so the client can render what it has.
    pub fn write_and_flush(&mut self, input: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            Self::Identity(v) => v.extend_from_slice(input),
            Self::Gzip(e) => e.write_all(input).and_then(|_| e.flush())?,
            Self::Deflate(e) => e.write_all(input).and_then(|_| e.flush())?,
            Self::Brotli(e) => e.write_all(input).and_then(|_| e.flush())?,
            Self::Zstd(e) => e.write_all(input).and_then(|_| e.flush())?,
        }
        Ok(std::mem::take(match self {
            Self::Identity(v) => v,
            Self::Gzip(e) => e.get_mut(),
            Self::Deflate(e) => e.get_mut(),
            Self::Brotli(e) => e.get_mut(),
            Self::Zstd(e) => e.get_mut(),
        }))
    }

    pub fn finish(self) -> io::Result<Vec<u8>> {
        match self {
            Self::Identity(v) => Ok(v),
            Self::Gzip(e) => e.finish(),
            Self::Deflate(e) => e.finish(),
            Self::Brotli(e) => Ok(e.into_inner()),
            Self::Zstd(e) => e.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coding_round_trips_in_chunks() {
        let page: Vec<u8> = (0..50_000u32).flat_map(|i| format!("<p>{i}</p>").into_bytes()).collect();
        for coding in [Coding::Identity, Coding::Gzip, Coding::Deflate, Coding::Brotli, Coding::Zstd] {
            let mut enc = Encoder::new(coding).unwrap();
            let mut compressed = Vec::new();
            for chunk in page.chunks(7_777) {
                compressed.extend(enc.write_and_flush(chunk).unwrap());
            }
            compressed.extend(enc.finish().unwrap());
            let mut dec = Decoder::new(coding).unwrap();
            let mut out = Vec::new();
            for chunk in compressed.chunks(1_000) {
                dec.write(chunk).unwrap();
                out.extend(dec.output());
            }
            out.extend(dec.finish().unwrap());
            assert_eq!(out, page, "{coding:?}");
        }
    }

    #[test]
    fn truncated_bodies_are_errors() {
        for coding in [Coding::Gzip, Coding::Brotli, Coding::Zstd] {
            let mut enc = Encoder::new(coding).unwrap();
            let mut compressed = enc.write_and_flush(&[b'a'; 10_000]).unwrap();
            compressed.extend(enc.finish().unwrap());
            let mut dec = Decoder::new(coding).unwrap();
            let half = &compressed[..compressed.len() / 2];
            let ok = dec.write(half).is_ok() && dec.finish().is_ok();
            assert!(!ok, "{coding:?}: a truncated body must not decode cleanly");
        }
    }

    #[test]
    fn negotiation() {
        assert_eq!(Coding::negotiate(Some("gzip, deflate, br, zstd")), Coding::Zstd);
        assert_eq!(Coding::negotiate(Some("gzip, br")), Coding::Brotli);
        assert_eq!(Coding::negotiate(Some("br;q=0, gzip")), Coding::Gzip);
        assert_eq!(Coding::negotiate(None), Coding::Identity);
        assert_eq!(upstream_accept_encoding(Some("gzip, sdch, br;q=0.8, xz")).unwrap(), "gzip, br;q=0.8");
        assert_eq!(upstream_accept_encoding(Some("sdch")).unwrap(), "identity");
        assert_eq!(upstream_accept_encoding(Some("")).unwrap(), "identity");
        assert_eq!(upstream_accept_encoding(None), None);
        assert!(all_decodable("gzip, deflate, br, zstd") && all_decodable("gzip;q=1.0, br;q=0"));
        assert!(all_decodable("identity") && all_decodable("gzip, identity;q=0.5"));
        assert!(!all_decodable("gzip, sdch") && !all_decodable(""));
    }
}
