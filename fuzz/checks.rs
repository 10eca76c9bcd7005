//! The fuzz targets' check functions: each takes the fuzzer's bytes, runs them through the real
//! code and panics when a property fails. `fuzz_targets/*.rs` call them under libFuzzer
//! (`cargo +nightly fuzz run <target>`); the main crate's `tests/fuzz_corpus.rs` includes this file
//! and replays every committed input in `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`
//! through them on any toolchain.
//!
//! Only crates the main crate also depends on are used here, so this file compiles in both places.

#[path = "oracle.rs"]
pub mod oracle;

use bytes::Bytes;
use consent_proxy::config::ConfigSource;
use consent_proxy::consent::codec;
use consent_proxy::consent::{CategorySet, ConsentSettings, ConsentState, Lang};
use consent_proxy::cookies::UnknownCookies;
use consent_proxy::cookies::{Class, CookiePolicy};
use consent_proxy::forward::ClientConn;
use consent_proxy::rewrite::body::Pipeline;
use consent_proxy::rewrite::compression::{Coding, Decoder, Encoder};
use consent_proxy::rewrite::page::Page;
use consent_proxy::state::{Runtime, Shared};
use http::header::{CONTENT_TYPE, COOKIE, HOST, LOCATION, ORIGIN, SET_COOKIE};
use http::{HeaderMap, HeaderValue, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A check function: panics when a property fails.
pub type Check = fn(&[u8]);

/// Every target: name (= `fuzz_targets/<name>.rs` and `corpus/<name>/`) and check function.
pub const TARGETS: [(&str, Check); 5] = [
    ("rewrite_html", rewrite_html),
    ("cookies", cookies),
    ("consent_cookie", consent_cookie),
    ("consent_form", consent_form),
    ("config", config),
];

/// A signing secret for the fuzzing runtime (test value, not a real key).
pub const SECRET: &str = "fuzzing-secret-0123456789abcdefghijklmnop";
/// "Now" for consent-cookie decoding (the codec tests' clock): seeds are valid at this time.
pub const NOW: u64 = 1_800_000_000;
/// The page every rewritten document is served as.
pub const PAGE_URL: &str = "https://shop.example/p";

struct Env {
    rt: Arc<Runtime>,
    shared: Arc<Shared>,
    /// The same settings without secrets (unsigned consent cookies).
    unsigned: ConsentSettings,
    tokio: tokio::runtime::Runtime,
}

fn source(overrides: &[(&str, &str)]) -> ConfigSource {
    let mut all = vec![("upstream.url", "http://127.0.0.1:9"), ("audit.sink", "/dev/null")];
    all.extend_from_slice(overrides);
    ConfigSource {
        overrides: all.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        env: Some(HashMap::new()),
        ..Default::default()
    }
}

/// The default configuration plus a signing secret and no practical rate limit, built once.
fn env() -> &'static Env {
    static E: OnceLock<Env> = OnceLock::new();
    E.get_or_init(|| {
        let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio");
        let guard = tokio.enter();
        let src = source(&[("consent.secrets", SECRET), ("consent.rate_limit_per_minute", "4000000000")]);
        let rt = Arc::new(Runtime::build(src.load().expect("config")).expect("runtime"));
        let shared = Shared::new(Runtime::build(src.load().expect("config")).expect("runtime"), src);
        let unsigned = source(&[]).load().expect("config").consent;
        drop(guard);
        Env { rt, shared, unsigned, tokio }
    })
}

fn ids(settings: &ConsentSettings, set: CategorySet) -> Vec<String> {
    set.iter().filter_map(|i| settings.categories.get(i)).map(|c| c.id.clone()).collect()
}

fn granted(settings: &ConsentSettings, ids: &[&str]) -> CategorySet {
    ids.iter().filter_map(|id| settings.category_index(id)).fold(settings.necessary_only(), CategorySet::with)
}

fn decided(granted: CategorySet, gpc: bool) -> ConsentState {
    ConsentState {
        decided: true,
        granted,
        services: Default::default(),
        gpc,
        consent_id: Some("AAAAAAAAAAAAAAAAAAAAAA".into()),
        decided_at: Some(NOW),
    }
}

fn undecided(settings: &ConsentSettings, gpc: bool) -> ConsentState {
    ConsentState {
        decided: false,
        granted: settings.necessary_only(),
        services: Default::default(),
        gpc,
        consent_id: None,
        decided_at: None,
    }
}

// ---------------------------------------------------------------------------------------------
// rewrite_html

/// Leak kinds of known, reported, still-open rewriter issues (docs/fuzzing.md lists them with
/// their regression inputs in `fuzz/regressions/rewrite_html/`). [`rewrite_html`] tolerates them
/// so fuzzing keeps looking for new ones; [`rewrite_html_strict`] does not. Remove an entry when
/// its issue is fixed (`tests/fuzz_corpus.rs` says when).
pub const KNOWN_OPEN: [&str; 0] = [];

/// `rewrite_html` input: `[flags][n][n × u16 LE cut][page bytes…]`. `flags & 3`: undecided,
/// undecided with GPC, decided "reject all", decided "reject all" with GPC (every tracker is
/// refused in all four). `n & 7` cut points (taken modulo the page length, sorted) split the page
/// into the chunks the rewriter is fed. Missing header bytes count as zero.
///
/// Properties: no panic; when the rewrite succeeds (a failure aborts the response in the proxy,
/// fail closed), the output makes no request to a refused tracker (see [`oracle`]).
pub fn rewrite_html(data: &[u8]) {
    rewrite_html_with(data, &KNOWN_OPEN);
}

/// [`rewrite_html`] tolerating only the given leak kinds (none: the strict oracle).
/// What the oracle alone says about `html` (no rewrite) for an undecided visitor: its leaks.
pub fn oracle_leaks(html: &str) -> Vec<String> {
    let e = env();
    let state = undecided(&e.rt.config.consent, false);
    let judge = oracle::Judge { rt: &e.rt, state: &state };
    let base = url::Url::parse(PAGE_URL).expect("page url");
    judge.leaks(html, &base).into_iter().map(|l| format!("{}: {}", l.kind, l.what)).collect()
}

pub fn rewrite_html_with(data: &[u8], tolerated: &[&str]) {
    let e = env();
    let flags = data.first().copied().unwrap_or(0);
    let n = (data.get(1).copied().unwrap_or(0) & 7) as usize;
    let header = (2 + 2 * n).min(data.len());
    let page = &data[header..];
    let mut cuts: Vec<usize> = data[2.min(data.len())..header]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]) as usize % (page.len() + 1))
        .collect();
    cuts.sort_unstable();
    let settings = &e.rt.config.consent;
    let gpc = flags & 1 == 1;
    let state = if flags & 2 == 0 { undecided(settings, gpc) } else { decided(settings.necessary_only(), gpc) };

    let base = url::Url::parse(PAGE_URL).expect("page url");
    let p = Page::new(e.rt.clone(), e.shared.clone(), state.clone(), Lang::En, Some(base.clone()), "/p".into(), None);
    let mut pipeline = Pipeline::new(
        Decoder::new(Coding::Identity).expect("identity"),
        Encoder::new(Coding::Identity).expect("identity"),
        None,
        Arc::new(Mutex::new(p)),
    );
    let mut out = Vec::new();
    let mut last = 0;
    for cut in cuts.into_iter().chain(std::iter::once(page.len())) {
        match pipeline.push(&page[last..cut]) {
            Ok(bytes) => out.extend_from_slice(&bytes),
            Err(_) => return,
        }
        last = cut;
    }
    match pipeline.finish() {
        Ok(bytes) => out.extend_from_slice(&bytes),
        Err(_) => return,
    }
    let text = String::from_utf8_lossy(&out);
    let judge = oracle::Judge { rt: &e.rt, state: &state };
    let mut leaks = judge.leaks(&text, &base);
    // A page that ends inside a tag: the banner appended after it completes the tag in the
    // browser (its first `"` closes an open attribute), making an element the rewriter never saw.
    // Such leaks go away when the appended banner is cut off again.
    if leaks.iter().any(|l| l.kind == "leak") {
        if let Some(at) = text.rfind("<div id=\"consent-proxy\"") {
            let without = judge.leaks(&text[..at], &base);
            for l in leaks.iter_mut().filter(|l| l.kind == "leak" && !without.iter().any(|w| w.what == l.what)) {
                l.kind = "eof-tag";
            }
        }
    }
    leaks.retain(|l| !tolerated.contains(&l.kind));
    assert!(
        leaks.is_empty(),
        "a refused tracker can load: {leaks:?}\ninput: {:?}\noutput: {text}",
        String::from_utf8_lossy(page)
    );
}

// ---------------------------------------------------------------------------------------------
// cookies

/// The browser's name for a `Set-Cookie` (RFC 6265bis): before the first `=` of the part before
/// the first `;`, SP/HTAB-trimmed; no `=` means a nameless cookie (name "").
fn browser_cookie_name(value: &[u8]) -> String {
    let pair = value.split(|b| *b == b';').next().unwrap_or(&[]);
    let name = match pair.iter().position(|b| *b == b'=') {
        Some(i) => &pair[..i],
        None => &[][..],
    };
    let name = String::from_utf8_lossy(name);
    name.trim_matches([' ', '\t']).to_string()
}

/// Whether the policy lets a cookie called `name` exist under `state`.
fn allowed(policy: &CookiePolicy, consent_cookie: &str, name: &str, state: &ConsentState) -> bool {
    if name == consent_cookie {
        return false;
    }
    match policy.classify(name) {
        Class::Known { category: Some(c), .. } => state.allows(c),
        Class::Known { category: None, .. } => false,
        Class::Unknown => policy.unknown == UnknownCookies::Allow,
    }
}

/// `(name, value)` of each `;` piece of the `Cookie` headers as an origin reads them (trimmed;
/// `None` for a piece that is not UTF-8).
fn origin_cookie_pairs(headers: &HeaderMap) -> Vec<Option<(String, String)>> {
    let mut out = Vec::new();
    for v in headers.get_all(COOKIE) {
        for piece in v.as_bytes().split(|b| *b == b';') {
            let Ok(p) = std::str::from_utf8(piece) else {
                out.push(None);
                continue;
            };
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            out.push(Some(match p.split_once('=') {
                Some((n, v)) => (n.trim().to_string(), v.trim().to_string()),
                None => (String::new(), p.to_string()),
            }));
        }
    }
    out
}

/// `cookies` input: the first byte picks the state (`& 3`: undecided, decided "reject all",
/// analytics only, all granted) and whether enforcement applies (`& 4` clear) or only reports
/// (`& 4` set, `report` mode). The rest is lines: `Cookie: <value>` lines are request headers,
/// any other line (an optional `Set-Cookie:` prefix is dropped) a response `Set-Cookie`. Lines that
/// are not valid header values are skipped.
///
/// Properties: no panic; enforcing, no `Set-Cookie` the browser would store under a name the
/// catalog refuses survives (nor the consent cookie, which only the proxy sets), every well-formed
/// allowed one does; the origin's `Cookie` is one header holding exactly the allowed UTF-8 pieces
/// in order; reporting, `Set-Cookie`s are untouched and `Cookie` keeps its pieces.
pub fn cookies(data: &[u8]) {
    let e = env();
    let settings = &e.rt.config.consent;
    let policy = &e.rt.config.cookies;
    let flags = data.first().copied().unwrap_or(0);
    let state = match flags & 3 {
        0 => undecided(settings, false),
        1 => decided(settings.necessary_only(), false),
        2 => decided(granted(settings, &["analytics"]), false),
        _ => decided(settings.all(), true),
    };
    let apply = flags & 4 == 0;
    let mut req = HeaderMap::new();
    let mut resp = HeaderMap::new();
    for line in data.get(1..).unwrap_or(&[]).split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (name, value) = match line.strip_prefix(b"Cookie:") {
            Some(v) => (COOKIE, v),
            None => (SET_COOKIE, line.strip_prefix(b"Set-Cookie:").unwrap_or(line)),
        };
        if let Ok(v) = HeaderValue::from_bytes(value.trim_ascii()) {
            if name == COOKIE { &mut req } else { &mut resp }.append(name, v);
        }
    }

    // Request side.
    // A piece as the proxy writes it back (`name=value`, or the value of a nameless one) and the
    // origin reads it again: merging turns the nameless `=a=b` into `a=b`, so compare that way.
    let render = |p: &Option<(String, String)>| {
        p.as_ref().map(|(n, v)| {
            let (mut n, mut v) = (n.clone(), v.clone());
            while n.is_empty() {
                match v.split_once('=') {
                    Some((a, b)) => (n, v) = (a.trim().to_string(), b.trim().to_string()),
                    None => return v,
                }
            }
            format!("{n}={v}")
        })
    };
    let before = origin_cookie_pairs(&req);
    let headers = req.get_all(COOKIE).iter().count();
    policy.filter_request(&mut req, &state, apply, |_, _| {});
    let after = origin_cookie_pairs(&req);
    assert!(req.get_all(COOKIE).iter().count() <= 1, "one merged Cookie header for the origin");
    let expected: Vec<Option<String>> = before
        .iter()
        .filter(|p| match p {
            Some((n, _)) => !apply || policy.verdict(n, &state).is_none(),
            // A piece that is not UTF-8 is dropped whenever the header is rebuilt.
            None => !apply && headers <= 1,
        })
        .map(render)
        .filter(|r| r.as_deref() != Some(""))
        .collect();
    let got: Vec<Option<String>> = after.iter().map(render).filter(|r| r.as_deref() != Some("")).collect();
    assert_eq!(got, expected, "the cookies the origin gets");
    if apply {
        for (n, v) in after.iter().flatten() {
            // An origin that reads a piece without `=` as a name sees that name.
            let name = if n.is_empty() { v } else { n };
            assert!(allowed(policy, "\0", name, &state), "refused cookie `{name}` reaches the origin: {after:?}");
        }
    }

    // Response side.
    let sent: Vec<HeaderValue> = resp.get_all(SET_COOKIE).iter().cloned().collect();
    policy.filter_response(&mut resp, &state, apply, |_, _, _| {});
    let kept: Vec<HeaderValue> = resp.get_all(SET_COOKIE).iter().cloned().collect();
    if !apply {
        assert_eq!(kept, sent, "report mode changes no Set-Cookie");
        return;
    }
    for v in &kept {
        let name = browser_cookie_name(v.as_bytes());
        assert!(
            allowed(policy, &settings.cookie_name, &name, &state),
            "a Set-Cookie for refused cookie `{name}` passes: {v:?} (state {state:?})"
        );
    }
    for v in &sent {
        let Ok(text) = v.to_str() else { continue };
        let Some((name, _)) = text.split(';').next().unwrap_or("").split_once('=') else { continue };
        let name = name.trim();
        let token =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
        if token && name != settings.cookie_name && policy.verdict(name, &state).is_none() {
            assert!(kept.contains(v), "allowed Set-Cookie `{name}` was removed: {v:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// consent_cookie

/// `consent_cookie` input: a consent cookie value (any bytes; the codec takes text).
///
/// Properties, for the unsigned and the signed (secret [`SECRET`]) settings: decoding never
/// panics; a decoded decision grants `necessary`, has a 22-character id and a time within its
/// lifetime at [`NOW`]; it re-encodes to cookie-octets that decode to the same decision. Signed,
/// a value decodes only if it is exactly `payload.keyid.signature` of a payload that decodes
/// unsigned to the same decision (the HMAC covers everything that matters).
pub fn consent_cookie(data: &[u8]) {
    let e = env();
    let text = String::from_utf8_lossy(data);
    for (signed, settings) in [(false, &e.unsigned), (true, &e.rt.config.consent)] {
        let Some(d) = codec::decode(settings, &text, NOW) else { continue };
        assert!(d.granted.contains(0), "necessary is always granted: {d:?}");
        assert_eq!(d.consent_id.len(), 22, "{d:?}");
        assert!(d.decided_at <= NOW + 300, "decided in the future: {d:?}");
        assert!(d.decided_at + settings.lifetime(d.granted, &d.services).as_secs() >= NOW, "expired: {d:?}");
        let again = codec::encode(settings, &d);
        assert!(
            again.bytes().all(|b| b.is_ascii_graphic() && !b",;\"\\".contains(&b)),
            "the re-encoded value is not cookie-octets: {again:?}"
        );
        assert_eq!(codec::decode(settings, &again, NOW).as_ref(), Some(&d), "re-encoded {again:?}");
        if signed {
            let v = text.trim_matches('"');
            let parts: Vec<&str> = v.split('.').collect();
            assert_eq!(parts.len(), 7, "a signed value has 7 parts: {v:?}");
            let payload = parts[..5].join(".");
            assert_eq!(codec::decode(&e.unsigned, &payload, NOW).as_ref(), Some(&d), "signed payload {payload:?}");
        }
    }
    // The same bytes as a Cookie header: reading the state never panics.
    if let Ok(v) = HeaderValue::from_bytes(&[b"consent=", data].concat()) {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, v);
        let s = consent_proxy::consent::read_state(&e.rt.config.consent, &h);
        assert!(s.allows(0));
    }
}

// ---------------------------------------------------------------------------------------------
// consent_form

/// Content types the first byte of a `consent_form` input picks from (`& 7`).
const CONTENT_TYPES: [Option<&str>; 8] = [
    Some("application/x-www-form-urlencoded"),
    Some("application/json"),
    None,
    Some("application/json; charset=utf-8"),
    Some("Application/X-WWW-Form-Urlencoded ; charset=UTF-8"),
    Some("text/plain"),
    Some("multipart/form-data; boundary=x"),
    Some(""),
];

/// `consent_form` input: `[flags][body…]`, posted to `/__consent` through the real endpoint over
/// an in-memory HTTP/1.1 connection. `flags & 7` picks the content type ([`CONTENT_TYPES`]),
/// `flags & 8` adds a same-origin `Origin`.
///
/// Properties: no panic; the answer is `200` (JSON) or `303` (form) with a consent cookie that
/// decodes to the decision, or `400`/`413`/`415` with no cookie; never another status. `303`
/// goes to a same-site path; `accept_all`/`reject_all` grant everything/only necessary; the JSON
/// state names exactly the categories the cookie grants.
pub fn consent_form(data: &[u8]) {
    let e = env();
    let flags = data.first().copied().unwrap_or(0);
    let body = Bytes::copy_from_slice(data.get(1..).unwrap_or(&[]));
    let content_type = CONTENT_TYPES[(flags & 7) as usize];
    let mut req = Request::post("/__consent").header(HOST, "shop.example");
    if let Some(ct) = content_type {
        req = req.header(CONTENT_TYPE, ct);
    }
    if flags & 8 != 0 {
        req = req.header(ORIGIN, "https://shop.example");
    }
    let req = req.body(Full::new(body.clone())).expect("request");

    let (status, headers, answer) = e.tokio.block_on(async {
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let conn = ClientConn::new("192.0.2.1:40000".parse().expect("addr"), false);
        let (rt, shared) = (e.rt.clone(), e.shared.clone());
        let service = hyper::service::service_fn(move |req| {
            let (rt, shared, conn) = (rt.clone(), shared.clone(), conn.clone());
            async move {
                Ok::<_, std::convert::Infallible>(
                    consent_proxy::consent::endpoint::handle(&rt, &shared, &conn, req).await,
                )
            }
        });
        let server = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(server_io), service);
        let client = async {
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(TokioIo::new(client_io)).await.expect("handshake");
            let (resp, _) = tokio::join!(
                async {
                    let resp = sender.send_request(req).await.expect("a response");
                    let (parts, body) = resp.into_parts();
                    let bytes = body.collect().await.expect("a body").to_bytes();
                    drop(sender);
                    (parts.status, parts.headers, bytes)
                },
                conn
            );
            resp
        };
        let (served, resp) = tokio::join!(server, client);
        served.expect("the server connection ends cleanly");
        resp
    });

    let cookies: Vec<&HeaderValue> = headers.get_all(SET_COOKIE).iter().collect();
    let ok = matches!(status, StatusCode::OK | StatusCode::SEE_OTHER);
    assert!(
        ok || matches!(
            status,
            StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE
        ),
        "unexpected status {status}: {answer:?}"
    );
    if !ok {
        assert!(cookies.is_empty(), "a refused decision sets cookies: {cookies:?}");
        return;
    }
    let json = content_type.is_some_and(|ct| ct.starts_with("application/json"));
    assert_eq!(status == StatusCode::OK, json, "JSON answers 200, a form 303");
    let settings = &e.rt.config.consent;
    let first = cookies.first().expect("a decision sets the consent cookie").to_str().expect("ASCII");
    let value = first
        .strip_prefix(&format!("{}=", settings.cookie_name))
        .and_then(|rest| rest.split(';').next())
        .expect("the consent cookie first");
    let d = codec::decode(settings, value, consent_proxy::consent::now_unix()).expect("the new cookie decodes");
    assert!(d.granted.contains(0));

    // What the visitor asked for, read independently.
    let action = if json {
        // serde_json skips the values of unknown fields without checking their UTF-8, so the
        // endpoint accepts such bodies: read them the same way here.
        serde_json::from_str::<serde_json::Value>(&String::from_utf8_lossy(&body))
            .ok()
            .and_then(|v| v.get("action").and_then(|a| a.as_str()).map(String::from))
    } else {
        form_urlencoded::parse(&body).filter(|(k, _)| k == "action").map(|(_, v)| v.into_owned()).last()
    };
    match action.as_deref() {
        Some("accept_all") => assert_eq!(d.granted, settings.all(), "accept_all"),
        Some("reject_all") => assert_eq!(d.granted, settings.necessary_only(), "reject_all"),
        Some("save") => {}
        other => panic!("a decision was taken for action {other:?}"),
    }
    if json {
        let v: serde_json::Value = serde_json::from_slice(&answer).expect("the state as JSON");
        assert_eq!(v["decided"], serde_json::Value::Bool(true));
        let names: Vec<String> = serde_json::from_value(v["granted"].clone()).expect("granted ids");
        assert_eq!(names, ids(settings, d.granted), "the JSON state matches the cookie");
    } else {
        let to = headers.get(LOCATION).expect("a Location").to_str().expect("ASCII");
        assert!(
            to.starts_with('/')
                && !to.starts_with("//")
                && !to.contains('\\')
                && to.bytes().all(|b| b.is_ascii_graphic()),
            "redirect off-site: {to:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// config

/// Strings of a parsed TOML tree, each with its dotted key.
fn strings(prefix: &str, v: &::config::Value, out: &mut Vec<(String, String)>) {
    match &v.kind {
        ::config::ValueKind::String(s) => out.push((prefix.to_string(), s.clone())),
        ::config::ValueKind::Table(t) => {
            for (k, v) in t {
                strings(&format!("{prefix}.{k}"), v, out);
            }
        }
        ::config::ValueKind::Array(a) => a.iter().for_each(|v| strings(prefix, v, out)),
        _ => {}
    }
}

/// `config` input: a TOML config file (loaded with no environment and no flags, so
/// `upstream.url` must be in it for a load to succeed).
///
/// Properties: no panic; loading is deterministic; an error names a key; no secret (a string of
/// 8+ characters under `consent.secrets`) appears in an error message. File paths in the config
/// are the operator's and are read: inputs naming absolute or `..` paths are skipped so a run
/// never reads `/dev/zero` or `/dev/stdin`.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = ::config::Config::builder()
        .add_source(::config::File::from_str(text, ::config::FileFormat::Toml))
        .build()
        .and_then(|c| c.try_deserialize::<::config::Value>());
    let mut secrets = Vec::new();
    if let Ok(tree) = &parsed {
        let mut all = Vec::new();
        strings("", tree, &mut all);
        if all.iter().any(|(_, s)| s.starts_with(['/', '\\', '~']) || s.contains("..")) {
            return;
        }
        secrets = all.into_iter().filter(|(k, s)| k == ".consent.secrets" && s.len() >= 8).map(|(_, s)| s).collect();
    }
    let path = std::env::temp_dir().join(format!("consent-proxy-fuzz-config-{}.toml", std::process::id()));
    std::fs::write(&path, data).expect("write the config file");
    let src = ConfigSource { file: Some(path.clone()), overrides: vec![], env: Some(HashMap::new()) };
    let first = src.load();
    let second = src.load();
    let _ = std::fs::remove_file(&path);
    // Only success is compared: with several bad keys, which one the error names depends on
    // hash-map order in the `config` crate (it differs from load to load).
    assert_eq!(first.is_ok(), second.is_ok(), "loading the same file twice differs: {first:?} / {second:?}");
    if let Err(err) = first {
        assert!(!err.key.is_empty(), "an error names a key: {err}");
        for s in &secrets {
            assert!(!err.to_string().contains(s.as_str()), "a secret is in the error: {err}");
        }
    }
}
