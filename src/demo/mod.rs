//! `consent-proxy demo`: an embedded "legacy shop" origin carrying real-shaped Google Analytics,
//! Meta Pixel, HubSpot and YouTube snippets and setting tracking cookies and a session cookie,
//! with the proxy in front of it on loopback. No config, no network.

use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use tokio::net::TcpListener;

const HOME: &str = include_str!("shop.html");
const STYLE: &str = include_str!("shop.css");

/// Starts the demo origin on an ephemeral loopback port; returns its address.
pub async fn start_origin() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(origin))
                    .await;
            });
        }
    });
    Ok(addr)
}

async fn origin(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let received = cookie_names(&req);
    Ok(match (req.method(), req.uri().path()) {
        (&Method::GET | &Method::HEAD, "/") => home(&received, None),
        (&Method::POST, "/cart") => {
            let body = Limited::new(req.into_body(), 64 * 1024).collect().await.map(|b| b.to_bytes());
            let item = body.ok().and_then(|b| {
                form_value(&b, "item").map(|v| v.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect())
            });
            home(&received, item)
        }
        (&Method::GET, "/shop.css") => reply(StatusCode::OK, "text/css", STYLE.into()),
        _ => reply(StatusCode::NOT_FOUND, "text/plain", "not found\n".into()),
    })
}

fn home(received: &str, added: Option<String>) -> Response<Full<Bytes>> {
    let notice = match added {
        Some(item) => format!("<p class=\"notice\">Added “{item}” to your cart.</p>"),
        None => String::new(),
    };
    let page = HOME.replace("{{RECEIVED}}", received).replace("{{NOTICE}}", &notice);
    let mut resp = reply(StatusCode::OK, "text/html; charset=utf-8", page);
    let session: u64 = rand::random();
    for cookie in [
        format!("sessionid={session:016x}; Path=/; HttpOnly; SameSite=Lax"),
        "csrftoken=demo-csrf-token; Path=/; SameSite=Lax".into(),
        "_ga=GA1.1.1234567890.1700000000; Max-Age=63072000; Path=/".into(),
        "_ga_DEMO123=GS1.1.1700000000.1.0.1700000000.0.0.0; Max-Age=63072000; Path=/".into(),
        "_gid=GA1.1.987654321.1700000000; Max-Age=86400; Path=/".into(),
        "_fbp=fb.1.1700000000000.1234567890; Max-Age=7776000; Path=/".into(),
        "hubspotutk=5f2b6c8e0d1a4b7c9e3f5a7b9c1d3e5f; Max-Age=15552000; Path=/".into(),
        "__hstc=12345.5f2b6c8e.1700000000.1700000000.1700000000.1; Max-Age=15552000; Path=/".into(),
    ] {
        resp.headers_mut().append(header::SET_COOKIE, cookie.parse().expect("static cookies are valid"));
    }
    resp
}

/// Names of the cookies the origin received, HTML-safe (names are RFC 6265 tokens, checked).
fn cookie_names<B>(req: &Request<B>) -> String {
    let names: Vec<&str> = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('=').map(|(n, _)| n.trim()))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b)))
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn form_value(body: &[u8], key: &str) -> Option<String> {
    std::str::from_utf8(body).ok()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| v.replace('+', " "))
    })
}

fn reply(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, content_type.parse().expect("static content types are valid"));
    resp
}
