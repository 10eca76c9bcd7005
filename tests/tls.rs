//! TLS termination (HTTP/2 and HTTP/1.1 by ALPN) with a generated certificate, and an HTTPS origin
//! trusted through `upstream.ca_file`.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls_pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer, ServerName};
use std::sync::Arc;
use support::*;
use tokio::net::{TcpListener, TcpStream};

struct Cert {
    dir: tempfile::TempDir,
    cert_pem: String,
    key_pem: String,
}

impl Cert {
    fn new() -> Self {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (cert_pem, key_pem) = (ck.cert.pem(), ck.key_pair.serialize_pem());
        std::fs::write(dir.path().join("cert.pem"), &cert_pem).unwrap();
        std::fs::write(dir.path().join("key.pem"), &key_pem).unwrap();
        Cert { dir, cert_pem, key_pem }
    }
    fn cert_path(&self) -> String {
        self.dir.path().join("cert.pem").display().to_string()
    }
    fn key_path(&self) -> String {
        self.dir.path().join("key.pem").display().to_string()
    }
    fn client_config(&self, alpn: &[u8]) -> rustls::ClientConfig {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from_pem_slice(self.cert_pem.as_bytes()).unwrap()).unwrap();
        let mut c = rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
        c.alpn_protocols = vec![alpn.to_vec()];
        c
    }
}

async fn tls_connect(
    addr: std::net::SocketAddr,
    cert: &Cert,
    alpn: &[u8],
) -> tokio_rustls::client::TlsStream<TcpStream> {
    consent_proxy::tls::install_crypto_provider();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cert.client_config(alpn)));
    let tcp = TcpStream::connect(addr).await.unwrap();
    connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.expect("TLS handshake")
}

#[tokio::test]
async fn terminates_tls_with_http2_and_http1() {
    let cert = Cert::new();
    let origin = echo_origin().await;
    let proxy = TestProxy::start(
        &format!("http://{origin}"),
        &[("server.tls.cert", &cert.cert_path()), ("server.tls.key", &cert.key_path())],
    )
    .await;

    let tls = tls_connect(proxy.addr, &cert, b"h2").await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls)).await.unwrap();
    tokio::spawn(conn);
    let resp =
        sender.send_request(Request::get("https://localhost/h2").body(Full::new(Bytes::new())).unwrap()).await.unwrap();
    assert_eq!(resp.version(), http::Version::HTTP_2);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let seen: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(seen["x-forwarded-proto"][0], "https");
    assert_eq!(seen["host"][0], "localhost", "an HTTP/2 :authority becomes the origin's Host");

    let tls = tls_connect(proxy.addr, &cert, b"http/1.1").await;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.unwrap();
    tokio::spawn(conn);
    let resp = sender
        .send_request(Request::get("/h1").header("host", "localhost").body(Full::new(Bytes::new())).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.version(), http::Version::HTTP_11);
    assert_eq!(resp.status(), 200);
    proxy.stop().await;
}

#[tokio::test]
async fn https_origin_trusted_by_ca_file() {
    consent_proxy::tls::install_crypto_provider();
    let cert = Cert::new();
    let certs = vec![CertificateDer::from_pem_slice(cert.cert_pem.as_bytes()).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes()).unwrap();
    let mut server = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(certs, key).unwrap();
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let svc = service_fn(|_req| async {
                    Ok::<_, std::convert::Infallible>(Response::new(text_body("secure origin")))
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), svc).await;
            });
        }
    });

    let upstream = format!("https://localhost:{port}");
    let proxy = TestProxy::start(&upstream, &[("upstream.ca_file", &cert.cert_path())]).await;
    let (status, _, body) = get(&proxy.url("/")).await;
    assert_eq!((status, body.as_str()), (200, "secure origin"));
    proxy.stop().await;

    // Without the CA the origin's certificate is not trusted: 502, not a silent downgrade.
    let untrusting = TestProxy::start(&upstream, &[]).await;
    assert_eq!(get(&untrusting.url("/")).await.0, 502);
    untrusting.stop().await;
}
