//! The one error type of the request path, with who is at fault and one mapping to a response.

use bytes::Bytes;
use http::{header, Response, StatusCode};

use crate::body::{full, ProxyBody};

/// Who caused a failure: decides the log level and tells operators where to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Client,
    Origin,
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("upstream refused or unreachable: {0}")]
    UpstreamConnect(String),
    #[error("upstream connect timed out")]
    UpstreamConnectTimeout,
    #[error("upstream sent no response head in time")]
    UpstreamTimeout,
    #[error("upstream broke the protocol: {0}")]
    UpstreamProtocol(String),
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ProxyError {
    pub fn fault(&self) -> Fault {
        match self {
            Self::UpstreamConnect(_)
            | Self::UpstreamConnectTimeout
            | Self::UpstreamTimeout
            | Self::UpstreamProtocol(_) => Fault::Origin,
            Self::BadRequest(_) => Fault::Client,
            Self::Internal(_) => Fault::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::UpstreamConnect(_) | Self::UpstreamProtocol(_) => StatusCode::BAD_GATEWAY,
            Self::UpstreamConnectTimeout | Self::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Label for `consent_proxy_upstream_errors_total{kind}`, when the origin is at fault.
    pub fn upstream_kind(&self) -> Option<&'static str> {
        match self {
            Self::UpstreamConnect(_) => Some("connect"),
            Self::UpstreamConnectTimeout => Some("connect_timeout"),
            Self::UpstreamTimeout => Some("timeout"),
            Self::UpstreamProtocol(_) => Some("protocol"),
            _ => None,
        }
    }

    /// A short plain-text answer; details stay in the log, not in front of visitors.
    pub fn into_response(&self) -> Response<ProxyBody> {
        let status = self.status();
        let text = match self {
            Self::UpstreamConnect(_) | Self::UpstreamProtocol(_) => "502 Bad Gateway: the site is unreachable\n",
            Self::UpstreamConnectTimeout | Self::UpstreamTimeout => {
                "504 Gateway Timeout: the site did not answer in time\n"
            }
            Self::BadRequest(m) => m,
            Self::Internal(_) => "500 Internal Server Error\n",
        };
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-store")
            .body(full(Bytes::from_static(text.as_bytes())))
            .expect("static response parts are valid")
    }
}
