//! Shared flag handling for the examples: every example takes
//!   --address ADDR (default $SAKER_ADDRESS, else unix:///run/saker/saker.sock)
//!   --ca FILE --cert FILE --key FILE   (mutual TLS, for a host:port address)
use std::collections::HashMap;

use saker_client::{Client, TlsConfig};

/// Parsed `--flag value` pairs.
pub struct Flags(HashMap<String, String>);

impl Flags {
    /// Parses `--name value` pairs; exits with `usage` on anything else.
    pub fn parse(usage: &str) -> Flags {
        let mut m = HashMap::new();
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match (a.strip_prefix("--"), args.next()) {
                (Some(k), Some(v)) => {
                    m.insert(k.to_string(), v);
                }
                _ => {
                    eprintln!("usage: {usage}\n  [--address ADDR] [--ca FILE --cert FILE --key FILE]");
                    std::process::exit(2);
                }
            }
        }
        Flags(m)
    }

    /// A flag's value.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }

    /// Connects as the flags say.
    pub async fn connect(&self) -> Result<Client, saker_client::Error> {
        let mut b = Client::builder();
        if let Some(a) = self.get("address") {
            b = b.address(a);
        }
        if let (Some(ca), Some(cert), Some(key)) = (self.get("ca"), self.get("cert"), self.get("key")) {
            b = b.tls(TlsConfig::from_files(ca, cert, key)?);
        }
        b.connect().await
    }
}
