//! Keeping a list fresh: a conditional GET of its `url` (ETag / Last-Modified of the copy on
//! disk), the download checked ([`super::text::check_download`]) and written atomically over the
//! copy in use, with what the next request needs in `<file>.meta.json` beside it. A failure of
//! any kind leaves the copy in use untouched: the caller keeps serving with it and says why.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{header, Request, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};

use super::text::{self, Rejected};
use super::{ListSource, ListSpec};

/// The most a list may weigh, compressed on the wire and once decompressed (EasyList is ~2 MB).
pub const MAX_BYTES: usize = 64 << 20;
/// Redirects followed (to `http`/`https` URLs only).
const MAX_REDIRECTS: usize = 5;

/// The HTTP client for list downloads (the system's CA certificates, HTTP/1.1).
pub struct Fetcher {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
}

impl Fetcher {
    pub fn new() -> Result<Self, String> {
        let https = HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| format!("no CA certificates for list downloads: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self { client: Client::builder(TokioExecutor::new()).build(https) })
    }
}

/// What the last successful download left for the next one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The URL it came from (a changed `url` starts afresh).
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Unix time of the last success (a new copy or `304 Not Modified`).
    pub checked: u64,
    /// SHA-256 (hex) of the copy it describes: a copy replaced by anything else (a seed, an
    /// operator) makes the meta void, so its ETag cannot keep a stale copy in use.
    #[serde(default)]
    pub sha256: String,
}

/// `easylist.txt` → `easylist.txt.meta.json`, in the same directory.
pub fn meta_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".meta.json");
    path.with_file_name(name)
}

/// The meta of the copy on disk, when it came from `url` and is the copy still there.
pub fn read_meta(path: &Path, url: &url::Url) -> Option<Meta> {
    let meta: Meta = serde_json::from_slice(&std::fs::read(meta_path(path)).ok()?).ok()?;
    if meta.url != url.as_str() {
        return None;
    }
    let copy = std::fs::read(path).ok()?;
    (meta.sha256 == sha256_hex(&copy)).then_some(meta)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The result of a successful refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// A new copy is on disk, with this many network rules.
    Updated { rules: usize },
    /// The server said `304 Not Modified`, or sent the same bytes.
    Unchanged,
}

/// Downloads `spec`'s list if it changed, checks it and writes it over the copy in use.
/// `previous_rules`: the rules of the copy in use, against which a sudden shrink is refused.
pub async fn refresh(
    fetcher: &Fetcher,
    spec: &ListSpec,
    source: &ListSource,
    previous_rules: Option<usize>,
) -> Result<Refreshed, Rejected> {
    let meta = read_meta(&spec.path, &source.url);
    let fetched = tokio::time::timeout(source.timeout, fetch(fetcher, &source.url, meta.as_ref())).await;
    let fetched = fetched.map_err(|_| Rejected {
        reason: "timeout",
        message: format!("no complete answer within {}", humantime::format_duration(source.timeout)),
    })??;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let Some(download) = fetched else {
        // A 304 answers our conditional GET, which only a valid meta sends.
        let meta = Meta { checked: now, ..meta.unwrap_or_default() };
        write_meta(&spec.path, &meta)?;
        return Ok(Refreshed::Unchanged);
    };
    let text =
        String::from_utf8(download.body).map_err(|_| Rejected { reason: "parse", message: "not UTF-8 text".into() })?;
    // A sudden shrink is judged against an earlier download of this same URL only (not a
    // seed, an operator's file or another list that was at this path before).
    let previous_rules = meta.as_ref().and(previous_rules);
    let rules = text::check_download(&text, spec.format, previous_rules)?;
    let same = std::fs::read(&spec.path).is_ok_and(|old| old == text.as_bytes());
    if !same {
        write_atomically(&spec.path, text.as_bytes())
            .map_err(|e| Rejected { reason: "write", message: format!("{}: {e}", spec.path.display()) })?;
    }
    let meta = Meta {
        url: source.url.to_string(),
        etag: download.etag,
        last_modified: download.last_modified,
        checked: now,
        sha256: sha256_hex(text.as_bytes()),
    };
    write_meta(&spec.path, &meta)?;
    Ok(if same { Refreshed::Unchanged } else { Refreshed::Updated { rules } })
}

struct Download {
    body: Vec<u8>,
    etag: Option<String>,
    last_modified: Option<String>,
}

/// One GET, following redirects; `None` for `304 Not Modified`.
async fn fetch(fetcher: &Fetcher, url: &url::Url, meta: Option<&Meta>) -> Result<Option<Download>, Rejected> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let mut req = Request::get(url.as_str())
            .header(header::USER_AGENT, concat!("consent-proxy/", env!("CARGO_PKG_VERSION"), " (filter list refresh)"))
            .header(header::ACCEPT_ENCODING, "gzip");
        if let Some(m) = meta {
            if let Some(etag) = &m.etag {
                req = req.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &m.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, lm);
            }
        }
        let req = req.body(Empty::new()).map_err(|e| network(format!("{url}: {e}")))?;
        let resp = fetcher.client.request(req).await.map_err(|e| network(crate::upstream::error_chain(&e)))?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        if status.is_redirection() {
            let next = crate::upstream::redirect_target(&resp, &url)
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| status_error(status, "without a usable http(s) Location"))?;
            if url.scheme() == "https" && next.scheme() == "http" {
                return Err(status_error(
                    status,
                    &format!("to plain http ({next}): refused, the list could be altered"),
                ));
            }
            url = next;
            continue;
        }
        if status != StatusCode::OK {
            return Err(status_error(status, "instead of 200 or 304"));
        }
        let h = resp.headers();
        let value = |name| h.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok()).map(str::to_owned);
        let (etag, last_modified) = (value(header::ETAG), value(header::LAST_MODIFIED));
        if value(header::CONTENT_TYPE).is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html")) {
            return Err(Rejected { reason: "parse", message: "served as text/html: a web page, not a list".into() });
        }
        let encoding = value(header::CONTENT_ENCODING).map(|e| e.to_ascii_lowercase());
        let body = Limited::new(resp.into_body(), MAX_BYTES).collect().await.map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                too_large()
            } else {
                network(format!("the body broke off: {}", crate::upstream::error_chain(&*e)))
            }
        })?;
        let body = body.to_bytes();
        let body = match encoding.as_deref() {
            None | Some("identity") => body.to_vec(),
            Some("gzip" | "x-gzip") => gunzip(&body)?,
            Some(other) => {
                return Err(Rejected { reason: "parse", message: format!("unasked content-encoding `{other}`") });
            }
        };
        return Ok(Some(Download { body, etag, last_modified }));
    }
    Err(network(format!("more than {MAX_REDIRECTS} redirects")))
}

fn gunzip(body: &[u8]) -> Result<Vec<u8>, Rejected> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(body)
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Rejected { reason: "parse", message: format!("broken gzip: {e}") })?;
    if out.len() > MAX_BYTES {
        return Err(too_large());
    }
    Ok(out)
}

fn network(message: String) -> Rejected {
    Rejected { reason: "network", message }
}

fn too_large() -> Rejected {
    Rejected { reason: "too_large", message: format!("over {} MiB", MAX_BYTES >> 20) }
}

fn status_error(status: StatusCode, what: &str) -> Rejected {
    Rejected { reason: "status", message: format!("answered {status} {what}") }
}

fn write_meta(path: &Path, meta: &Meta) -> Result<(), Rejected> {
    let json = serde_json::to_vec_pretty(meta).expect("meta serializes");
    let target = meta_path(path);
    write_atomically(&target, &json)
        .map_err(|e| Rejected { reason: "write", message: format!("{}: {e}", target.display()) })
}

/// Writes `bytes` to a temporary file in `path`'s directory, flushes it and renames it over
/// `path`: a reader (this process or the file poll) sees the old file or the new one, never half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// When the next download of a list is due, counted from now: at once for a list never
/// downloaded (or from another `url`), else its last success plus `refresh`.
pub fn first_due(spec: &ListSpec, source: &ListSource) -> Duration {
    let Some(meta) = read_meta(&spec.path, &source.url) else {
        return Duration::ZERO;
    };
    let since = SystemTime::now().duration_since(UNIX_EPOCH + Duration::from_secs(meta.checked)).unwrap_or_default();
    source.refresh.saturating_sub(since)
}

/// The wait after `failures` failures in a row: 30 s doubling to an hour, never past `refresh`.
pub fn retry_after(refresh: Duration, failures: u32) -> Duration {
    let backoff = Duration::from_secs(30).saturating_mul(1 << failures.saturating_sub(1).min(7));
    backoff.min(Duration::from_secs(3600)).min(refresh)
}
