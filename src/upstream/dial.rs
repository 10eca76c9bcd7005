//! Opening a connection to the origin: name resolution, TCP (each address in turn, the connect
//! timeout shared among them), TLS for an `https://` origin, then hyper's HTTP/1.1 handshake and
//! the connection's own task.

use hyper::body::Body;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rustls::RootCertStore;
use rustls_pki_types::ServerName;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::error_chain;
use super::settings::UpstreamConfig;
use crate::error::ProxyError;

/// TCP keep-alive probes on origin connections after this long without traffic.
const TCP_KEEPALIVE: Duration = Duration::from_secs(60);

pub struct Dialer {
    /// Host name or address (IPv6 without brackets), as resolved.
    host: String,
    port: u16,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    connect_timeout: Duration,
}

impl Dialer {
    pub fn new(config: &UpstreamConfig, roots: RootCertStore) -> anyhow::Result<Self> {
        let https = config.scheme == http::uri::Scheme::HTTPS;
        let host = config.authority.host().trim_start_matches('[').trim_end_matches(']').to_string();
        let port = config.authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let tls = if https {
            let mut tls = rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
            tls.alpn_protocols = vec![b"http/1.1".to_vec()];
            let name = ServerName::try_from(host.clone())
                .map_err(|e| anyhow::anyhow!("upstream.url: {host} is no name a certificate can carry: {e}"))?;
            Some((TlsConnector::from(Arc::new(tls)), name))
        } else {
            None
        };
        Ok(Self { host, port, tls, connect_timeout: config.connect_timeout })
    }

    pub async fn dial<B>(&self) -> Result<SendRequest<B>, ProxyError>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let tcp = self.tcp().await?;
        match &self.tls {
            None => handshake(tcp).await,
            Some((connector, name)) => {
                let tls = connector.connect(name.clone(), tcp).await.map_err(|e| {
                    ProxyError::UpstreamConnect(format!("TLS handshake with the origin: {}", error_chain(&e)))
                })?;
                handshake(tls).await
            }
        }
    }

    async fn tcp(&self) -> Result<TcpStream, ProxyError> {
        let addrs: Vec<_> = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| ProxyError::UpstreamConnect(format!("dns error: {e}")))?
            .collect();
        if addrs.is_empty() {
            return Err(ProxyError::UpstreamConnect(format!("dns error: no address for {}", self.host)));
        }
        let each = self.connect_timeout / addrs.len() as u32;
        let mut last = ProxyError::UpstreamConnectTimeout;
        for addr in addrs {
            match tokio::time::timeout(each, TcpStream::connect(addr)).await {
                Ok(Ok(tcp)) => {
                    let _ = tcp.set_nodelay(true);
                    let keepalive = socket2::TcpKeepalive::new().with_time(TCP_KEEPALIVE);
                    let _ = socket2::SockRef::from(&tcp).set_tcp_keepalive(&keepalive);
                    return Ok(tcp);
                }
                Ok(Err(e)) => last = ProxyError::UpstreamConnect(format!("tcp connect error ({addr}): {e}")),
                Err(_) => last = ProxyError::UpstreamConnectTimeout,
            }
        }
        Err(last)
    }
}

async fn handshake<T, B>(io: T) -> Result<SendRequest<B>, ProxyError>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (sender, conn) = http1::Builder::new()
        .handshake(TokioIo::new(io))
        .await
        .map_err(|e| ProxyError::UpstreamConnect(error_chain(&e)))?;
    tokio::spawn(async move {
        if let Err(e) = conn.with_upgrades().await {
            tracing::debug!(error = %error_chain(&e), "origin connection ended with an error");
        }
    });
    Ok(sender)
}
