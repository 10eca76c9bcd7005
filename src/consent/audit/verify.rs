//! `consent-proxy audit verify FILE…` and `consent-proxy audit find --id ID FILE…`.
//!
//! Files are read in the order given (oldest first: `audit.log.2 audit.log.1 audit.log`), as
//! one sequence of lines. Verification stops at the first broken or missing link.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

use super::chain::{sha256_hex, ChainEnd};

/// Where a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// The first broken or missing link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub place: Place,
    pub why: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.why)
    }
}

/// A verification that found no broken link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub records: usize,
    pub chains: usize,
    /// The first chain continues one in a file not given (its `after`).
    pub continues: Option<ChainEnd>,
    /// Hash of the last line: keep it elsewhere to prove later that nothing was cut off the end.
    pub last_hash: Option<String>,
}

#[derive(Debug)]
pub enum VerifyError {
    Io(PathBuf, std::io::Error),
    Broken(Broken),
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            Self::Broken(b) => write!(f, "{b}"),
        }
    }
}

/// The position in the chain after the last line read.
struct Cursor {
    place: Place,
    hash: String,
    chain: String,
    seq: u64,
}

/// Checks the hash chain across `files`, in order.
pub fn verify(files: &[PathBuf]) -> Result<Verified, VerifyError> {
    let mut last: Option<Cursor> = None;
    let mut report = Verified { records: 0, chains: 0, continues: None, last_hash: None };
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| VerifyError::Io(path.clone(), e))?;
        let broken = |line: usize, why: String| {
            VerifyError::Broken(Broken { place: Place { file: path.clone(), line }, why })
        };
        let text = String::from_utf8(bytes)
            .map_err(|e| broken(count_lines(&e.as_bytes()[..e.utf8_error().valid_up_to()]) + 1, "not UTF-8".into()))?;
        if !text.is_empty() && !text.ends_with('\n') {
            let n = text.split('\n').count();
            return Err(broken(n, "the file ends in the middle of a line: the last record was cut".into()));
        }
        for (i, line) in text.split('\n').enumerate().filter(|(_, l)| !l.is_empty()) {
            let n = i + 1;
            let record: Map<String, Value> = serde_json::from_str(line)
                .map_err(|_| broken(n, "not a complete JSON record (cut or altered)".into()))?;
            let chain = record.get("chain").and_then(Value::as_str);
            let seq = record.get("seq").and_then(Value::as_u64);
            let (Some(chain), Some(seq)) = (chain, seq) else {
                return Err(broken(n, "no `chain` and `seq`: not a record of a hash-chained audit log".into()));
            };
            let prev = record.get("prev").and_then(Value::as_str);
            if record.get("action").and_then(Value::as_str) == Some("chain_start") {
                if seq != 0 || prev.is_some() {
                    return Err(broken(n, "a chain start must have seq 0 and prev null".into()));
                }
                let after: Option<ChainEnd> = record.get("after").and_then(Value::as_object).map(|a| ChainEnd {
                    hash: a.get("hash").and_then(Value::as_str).unwrap_or("").to_string(),
                    chain: a.get("chain").and_then(Value::as_str).map(String::from),
                    seq: a.get("seq").and_then(Value::as_u64),
                });
                match (&last, after) {
                    (None, after) => report.continues = after,
                    (Some(c), None) => {
                        return Err(broken(
                            n,
                            format!("chain {chain} starts with no link to the record before it ({})", c.place),
                        ))
                    }
                    (Some(c), Some(a)) if a.hash != c.hash => {
                        let named = match (&a.chain, a.seq) {
                            (Some(ch), Some(s)) => format!("record {s} of chain {ch}"),
                            _ => "a line".into(),
                        };
                        return Err(broken(
                            n,
                            format!(
                                "chain {chain} continues after {named} with hash {}, but the line before it ({}, record {} of chain {}) hashes to {}: records are missing or were altered in between",
                                short(&a.hash), c.place, c.seq, c.chain, short(&c.hash)
                            ),
                        ));
                    }
                    (Some(_), Some(_)) => {}
                }
                report.chains += 1;
            } else {
                let Some(c) = &last else {
                    return Err(broken(
                        n,
                        format!("the log begins inside chain {chain} at record {seq}: earlier records are missing (give older files first)"),
                    ));
                };
                if chain != c.chain {
                    return Err(broken(
                        n,
                        format!("record of chain {chain} follows chain {} ({}) without a chain start: records are missing", c.chain, c.place),
                    ));
                }
                if seq != c.seq + 1 {
                    return Err(broken(
                        n,
                        format!("record {seq} follows record {} of chain {chain}: records are missing or out of order", c.seq),
                    ));
                }
                if prev != Some(c.hash.as_str()) {
                    return Err(broken(
                        n,
                        format!(
                            "prev {} does not match the hash of the line before it ({}, {}): that line was altered",
                            prev.map_or("null".into(), short),
                            c.place,
                            short(&c.hash)
                        ),
                    ));
                }
                report.records += 1;
            }
            last = Some(Cursor {
                place: Place { file: path.clone(), line: n },
                hash: sha256_hex(line),
                chain: chain.to_string(),
                seq,
            });
        }
    }
    report.last_hash = last.map(|c| c.hash);
    Ok(report)
}

/// One visitor's records (by `consent_id`), as written, across `files` in order.
pub fn find(files: &[PathBuf], consent_id: &str) -> Result<Vec<String>, VerifyError> {
    let mut out = Vec::new();
    for path in files {
        let text = read_lossy(path)?;
        for line in text.split('\n').filter(|l| !l.is_empty()) {
            let Ok(record) = serde_json::from_str::<Map<String, Value>>(line) else { continue };
            if record.get("consent_id").and_then(Value::as_str) == Some(consent_id) {
                out.push(line.to_string());
            }
        }
    }
    Ok(out)
}

fn read_lossy(path: &Path) -> Result<String, VerifyError> {
    let bytes = std::fs::read(path).map_err(|e| VerifyError::Io(path.to_path_buf(), e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn count_lines(b: &[u8]) -> usize {
    b.iter().filter(|c| **c == b'\n').count()
}

fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}
