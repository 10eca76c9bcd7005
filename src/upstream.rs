//! The pooled client to the origin (`http://` or `https://` with the system roots plus an optional
//! CA file), and the mapping of its failures to [`ProxyError`]s.

use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::RootCertStore;
use rustls_pki_types::{pem::PemObject, CertificateDer};

use crate::config::UpstreamConfig;
use crate::error::ProxyError;

type HttpClient = Client<HttpsConnector<HttpConnector>, Incoming>;

/// A pooled HTTP/1.1 client for one origin.
#[derive(Clone)]
pub struct Upstream {
    client: HttpClient,
    response_timeout: std::time::Duration,
}

impl Upstream {
    pub fn new(config: &UpstreamConfig) -> anyhow::Result<Self> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(config.connect_timeout));
        http.set_nodelay(true);
        http.set_keepalive(Some(std::time::Duration::from_secs(60)));
        let tls = rustls::ClientConfig::builder().with_root_certificates(roots(config)?).with_no_client_auth();
        let connector =
            HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(config.pool_idle_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .build(connector);
        Ok(Self { client, response_timeout: config.response_timeout })
    }

    /// Sends the request; resolves when the response head has arrived.
    pub async fn send(&self, req: http::Request<Incoming>) -> Result<http::Response<Incoming>, ProxyError> {
        match tokio::time::timeout(self.response_timeout, self.client.request(req)).await {
            Err(_) => Err(ProxyError::UpstreamTimeout),
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(e)) => Err(classify(&e)),
        }
    }
}

fn classify(e: &hyper_util::client::legacy::Error) -> ProxyError {
    let chain = error_chain(e);
    if e.is_connect() {
        if timed_out(e) {
            return ProxyError::UpstreamConnectTimeout;
        }
        return ProxyError::UpstreamConnect(chain);
    }
    ProxyError::UpstreamProtocol(chain)
}

fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// `outer: inner: innermost`, for the log line.
/// Where a redirect answer points, resolved against the URL that was asked.
pub fn redirect_target<B>(resp: &http::Response<B>, asked: &url::Url) -> Option<url::Url> {
    let location = resp.headers().get(http::header::LOCATION)?.to_str().ok()?;
    asked.join(location).ok()
}

pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(err) = cur {
        out.push_str(": ");
        out.push_str(&err.to_string());
        cur = err.source();
    }
    out
}

fn roots(config: &UpstreamConfig) -> anyhow::Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    if config.scheme == http::uri::Scheme::HTTPS {
        let native = rustls_native_certs::load_native_certs();
        for err in &native.errors {
            tracing::warn!(error = %err, "could not load some system CA certificates");
        }
        roots.add_parsable_certificates(native.certs);
    }
    if let Some(path) = &config.ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| anyhow::anyhow!("upstream.ca_file {}: {e}", path.display()))?;
        if certs.is_empty() {
            anyhow::bail!("upstream.ca_file {}: no certificate in the file", path.display());
        }
        for cert in certs {
            roots.add(cert).map_err(|e| anyhow::anyhow!("upstream.ca_file {}: {e}", path.display()))?;
        }
    }
    Ok(roots)
}
