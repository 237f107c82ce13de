use std::fmt::Write as _;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad address or TLS setting.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// Reading a certificate or key file.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// The connection could not be made (refused, TLS handshake, ...).
    #[error("{}", chain(.0))]
    Transport(#[from] tonic::transport::Error),
    /// The server (or the transport under a call) returned an error status.
    #[error("{} ({:?})", .0.message(), .0.code())]
    Status(Box<tonic::Status>),
}

impl Error {
    /// The gRPC status code, when the error is a status.
    pub fn code(&self) -> Option<tonic::Code> {
        match self {
            Error::Status(s) => Some(s.code()),
            _ => None,
        }
    }
}

impl From<tonic::Status> for Error {
    fn from(s: tonic::Status) -> Self {
        Error::Status(Box::new(s))
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let _ = write!(s, ": {c}");
        cur = c.source();
    }
    s
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
