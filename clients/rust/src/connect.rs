//! Addresses, TLS and the connection builder.
use std::path::{Path, PathBuf};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity, Uri};

use crate::{Client, Error, Result};

/// The address used when none is given and `SAKER_ADDRESS` is unset.
pub const DEFAULT_ADDRESS: &str = "unix:///run/saker/saker.sock";
/// The environment variable holding the default address.
pub const ENV_ADDRESS: &str = "SAKER_ADDRESS";

/// Where the server listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A unix socket (`unix:///path` or `unix:path`).
    Unix(PathBuf),
    /// A TCP address (`host:port` or `https://host:port`); always mutual TLS.
    Tcp {
        /// Host name or IP address (without brackets).
        host: String,
        /// Port.
        port: u16,
    },
}

impl Address {
    /// Parses `unix:///path`, `unix:path`, `host:port`, `[v6]:port` or `https://host:port`.
    pub fn parse(s: &str) -> Result<Address> {
        let bad = || Error::Config(format!("bad address {s:?} (want unix:///path or host:port)"));
        if let Some(rest) = s.strip_prefix("unix://") {
            if !rest.starts_with('/') {
                return Err(bad());
            }
            return Ok(Address::Unix(PathBuf::from(rest)));
        }
        if let Some(rest) = s.strip_prefix("unix:") {
            if rest.is_empty() {
                return Err(bad());
            }
            return Ok(Address::Unix(PathBuf::from(rest)));
        }
        let hp = s.strip_prefix("https://").unwrap_or(s).trim_end_matches('/');
        let (host, port) = hp.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || hp.contains('/') {
            return Err(bad());
        }
        Ok(Address::Tcp { host: host.to_string(), port })
    }
}

/// Mutual-TLS settings: the client's identity and the CA that signed the server.
#[derive(Clone, Debug)]
pub struct TlsConfig {
    ca: Vec<u8>,
    cert: Vec<u8>,
    key: Vec<u8>,
    domain: Option<String>,
}

impl TlsConfig {
    /// From PEM bytes: the CA certificate(s), the client certificate and its key.
    pub fn from_pem(ca: impl Into<Vec<u8>>, cert: impl Into<Vec<u8>>, key: impl Into<Vec<u8>>) -> Self {
        TlsConfig { ca: ca.into(), cert: cert.into(), key: key.into(), domain: None }
    }

    /// From PEM files.
    pub fn from_files(ca: impl AsRef<Path>, cert: impl AsRef<Path>, key: impl AsRef<Path>) -> Result<Self> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|source| Error::File { path: p.display().to_string(), source })
        };
        Ok(Self::from_pem(read(ca.as_ref())?, read(cert.as_ref())?, read(key.as_ref())?))
    }

    /// The name to verify the server's certificate against (default: the
    /// address's host).
    pub fn domain_name(mut self, name: impl Into<String>) -> Self {
        self.domain = Some(name.into());
        self
    }
}

/// Builds a [`Client`]: address, TLS and transport settings.
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    address: Option<String>,
    tls: Option<TlsConfig>,
    connect_timeout: Duration,
    stream_window: Option<u32>,
    keepalive: Option<Duration>,
    lazy: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            address: None,
            tls: None,
            connect_timeout: Duration::from_secs(5),
            stream_window: None,
            keepalive: None,
            lazy: false,
        }
    }
}

impl ClientBuilder {
    /// The server's address (default: `$SAKER_ADDRESS`, else [`DEFAULT_ADDRESS`]).
    pub fn address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    /// Mutual TLS, required for a TCP address.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// How long to wait for a connection (default 5 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The HTTP/2 flow-control window of each stream, in bytes: how much the
    /// server may send ahead of what this client has read (default 2 MiB).
    /// A small window makes a slow consumer visible to the server sooner.
    pub fn stream_window(mut self, bytes: u32) -> Self {
        self.stream_window = Some(bytes);
        self
    }

    /// Send HTTP/2 pings at this interval to detect a dead server (off by
    /// default; the server must permit the rate).
    pub fn keepalive(mut self, interval: Duration) -> Self {
        self.keepalive = Some(interval);
        self
    }

    /// Connect on first use instead of in [`connect`](Self::connect).
    pub fn lazy(mut self, lazy: bool) -> Self {
        self.lazy = lazy;
        self
    }

    /// The address this builder will use.
    pub fn resolved_address(&self) -> String {
        self.address
            .clone()
            .or_else(|| std::env::var(ENV_ADDRESS).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| DEFAULT_ADDRESS.to_string())
    }

    /// Connects (or, when lazy, prepares the channel).
    pub async fn connect(self) -> Result<Client> {
        let address = Address::parse(&self.resolved_address())?;
        let uri = match &address {
            Address::Unix(_) => "http://localhost".to_string(),
            Address::Tcp { host, port } if host.contains(':') => format!("https://[{host}]:{port}"),
            Address::Tcp { host, port } => format!("https://{host}:{port}"),
        };
        let mut ep = Endpoint::from_shared(uri)?.connect_timeout(self.connect_timeout);
        if let Some(w) = self.stream_window {
            ep = ep.initial_stream_window_size(w);
        }
        if let Some(k) = self.keepalive {
            ep = ep.http2_keep_alive_interval(k).keep_alive_while_idle(true);
        }
        let channel: Channel = match address {
            Address::Unix(path) => {
                let connector = tower::service_fn(move |_: Uri| {
                    let path = path.clone();
                    async move {
                        let s = tokio::net::UnixStream::connect(path).await?;
                        Ok::<_, std::io::Error>(TokioIo::new(s))
                    }
                });
                if self.lazy {
                    ep.connect_with_connector_lazy(connector)
                } else {
                    ep.connect_with_connector(connector).await?
                }
            }
            Address::Tcp { host, .. } => {
                let tls = self.tls.ok_or_else(|| {
                    Error::Config("a TCP address needs mutual TLS: set ClientBuilder::tls".into())
                })?;
                let cfg = ClientTlsConfig::new()
                    .ca_certificate(Certificate::from_pem(tls.ca))
                    .identity(Identity::from_pem(tls.cert, tls.key))
                    .domain_name(tls.domain.unwrap_or(host));
                ep = ep.tls_config(cfg)?;
                if self.lazy {
                    ep.connect_lazy()
                } else {
                    ep.connect().await?
                }
            }
        };
        Ok(Client::from_channel(channel))
    }
}
