//! The audit log's hash chain. Each line is one JSON object; the writer adds
//!
//! - `chain`: a random id for this run of the writer (a start, a reopen, a write error);
//! - `seq`: the record's place in its chain, `0` for the chain's first record;
//! - `prev`: the SHA-256 (hex) of the exact bytes of the line before it in the chain (without the
//!   newline), `null` for the first.
//!
//! A chain's first record has `"action": "chain_start"` and `after`: the `hash` (and, when known,
//! `chain` and `seq`) of the last line before it (in the file it appends to, or in the file it
//! was rotated away from), or `null` for an empty file or stdout. Altering, removing or inserting
//! a line breaks the next line's `prev`; the last line is covered once another follows it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Longest tail of an existing file read to find its last line.
const TAIL: u64 = 1 << 20;

/// Where a chain ended: the hash of its last line, and its chain id and seq when that line was
/// a record of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEnd {
    pub hash: String,
    pub chain: Option<String>,
    pub seq: Option<u64>,
}

impl ChainEnd {
    fn json(&self) -> Value {
        json!({ "hash": self.hash, "chain": self.chain, "seq": self.seq })
    }

    /// The end a line represents (its hash; its chain and seq if it is one of our records).
    pub fn of_line(line: &str) -> Self {
        let v: Option<Map<String, Value>> = serde_json::from_str(line).ok();
        let field = |k: &str| v.as_ref().and_then(|m| m.get(k));
        Self {
            hash: sha256_hex(line),
            chain: field("chain").and_then(Value::as_str).map(String::from),
            seq: field("seq").and_then(Value::as_u64),
        }
    }
}

pub fn sha256_hex(line: &str) -> String {
    Sha256::digest(line.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// One chain being written.
#[derive(Debug)]
pub struct Chain {
    id: String,
    /// Seq of the next record.
    seq: u64,
    /// Hash of the last line written in this chain.
    prev: Option<String>,
    after: Option<ChainEnd>,
    reason: &'static str,
}

impl Chain {
    pub fn new(after: Option<ChainEnd>, reason: &'static str) -> Self {
        Self { id: URL_SAFE_NO_PAD.encode(rand::random::<[u8; 9]>()), seq: 0, prev: None, after, reason }
    }

    /// The chain that follows this one: it names this chain's last line, or, if this chain wrote
    /// nothing, what this one would have named.
    pub fn successor(&self, reason: &'static str) -> Self {
        let end = match &self.prev {
            Some(hash) => Some(ChainEnd { hash: hash.clone(), chain: Some(self.id.clone()), seq: Some(self.seq - 1) }),
            None => self.after.clone(),
        };
        Self::new(end, reason)
    }

    /// The chain's first line.
    pub fn start_line(&self) -> String {
        json!({
            "time": super::super::now_unix(),
            "action": "chain_start",
            "reason": self.reason,
            "chain": self.id,
            "seq": 0,
            "prev": null,
            "after": self.after.as_ref().map(ChainEnd::json),
            "version": env!("CARGO_PKG_VERSION"),
        })
        .to_string()
    }

    /// A record's line: its fields plus `chain`, `seq` and `prev`.
    pub fn line(&self, mut fields: Map<String, Value>) -> String {
        fields.insert("chain".into(), json!(self.id));
        fields.insert("seq".into(), json!(self.seq));
        fields.insert("prev".into(), json!(self.prev));
        Value::Object(fields).to_string()
    }

    /// `line` reached the sink.
    pub fn written(&mut self, line: &str) {
        self.prev = Some(sha256_hex(line));
        self.seq += 1;
    }
}

/// The last non-empty line of an existing file (as a chain end) and whether the file ends
/// without a newline (a torn write). A missing or empty file has no end.
pub fn last_line(path: &Path) -> std::io::Result<(Option<ChainEnd>, bool)> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, false)),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        // A device (`/dev/null`, `/dev/full`): nothing to continue from, and reading may not end.
        return Ok((None, false));
    }
    let len = meta.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TAIL)))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let torn = !tail.is_empty() && !tail.ends_with(b"\n");
    let text = String::from_utf8_lossy(&tail);
    let last = text.split('\n').rev().find(|l| !l.is_empty());
    Ok((last.map(ChainEnd::of_line), torn))
}
