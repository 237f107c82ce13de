//! # saker-client
//!
//! A client for Saker's gRPC API — Saker v1 (`saker.alerts.v1`, `saker.events.v1`,
//! `saker.status.v1`, `saker.rules.v1`) and Falco's wire API (`falco.outputs`,
//! `falco.version`) — on tonic, prost and tokio.
//!
//! ```no_run
//! use saker_client::{AlertItem, Client, Priority};
//! use tokio_stream::StreamExt;
//!
//! # async fn run() -> Result<(), saker_client::Error> {
//! // unix:///run/saker/saker.sock, or $SAKER_ADDRESS.
//! let client = Client::connect_default().await?;
//! let mut alerts = client.alerts().min_priority(Priority::Warning).subscribe().await?;
//! while let Some(item) = alerts.next().await {
//!     match item? {
//!         AlertItem::Alert(a) => println!("{} {} {}", a.sequence, a.priority, a.output),
//!         AlertItem::Gap(g) => eprintln!("lost {} alerts ({:?})", g.count, g.reason),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Streams reconnect by themselves (with backoff) when the server goes away and
//! resume from the last sequence number they delivered; whatever the server could
//! no longer send comes as a [`Gap`]. Dropping a stream cancels the subscription.

mod client;
mod connect;
mod error;
mod falco;
mod stream;
mod types;

/// The generated messages and client stubs of both APIs (from `proto/` by
/// `clients/rust/gen.sh`), for what the typed API does not cover.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod proto {
    /// Saker's v1 API.
    pub mod saker {
        /// `saker.alerts.v1`
        pub mod alerts {
            /// `saker.alerts.v1`
            pub mod v1 {
                include!("gen/saker.alerts.v1.rs");
            }
        }
        /// `saker.events.v1`
        pub mod events {
            /// `saker.events.v1`
            pub mod v1 {
                include!("gen/saker.events.v1.rs");
            }
        }
        /// `saker.rules.v1`
        pub mod rules {
            /// `saker.rules.v1`
            pub mod v1 {
                include!("gen/saker.rules.v1.rs");
            }
        }
        /// `saker.status.v1`
        pub mod status {
            /// `saker.status.v1`
            pub mod v1 {
                include!("gen/saker.status.v1.rs");
            }
        }
    }
    /// Falco's wire API (`outputs.proto`, `output.proto`, `schema.proto`, `version.proto`).
    pub mod falco {
        /// `falco.outputs`
        pub mod outputs {
            include!("gen/falco.outputs.rs");
        }
        /// `falco.output` (legacy)
        pub mod output {
            include!("gen/falco.output.rs");
        }
        /// `falco.schema`
        pub mod schema {
            include!("gen/falco.schema.rs");
        }
        /// `falco.version`
        pub mod version {
            include!("gen/falco.version.rs");
        }
    }
}

pub use client::{AlertSubscription, Client, EventSubscription};
pub use connect::{Address, ClientBuilder, TlsConfig, DEFAULT_ADDRESS, ENV_ADDRESS};
pub use error::{Error, Result};
pub use falco::{FalcoClient, FalcoStream};
pub use proto::saker::alerts::v1::Priority;
pub use stream::{ReconnectPolicy, Subscription};
pub use types::{
    Alert, AlertItem, Argument, Event, EventItem, Gap, GapReason, HubStatus, ReloadResult, Rule,
    ServerStatus, StreamKind, Subscriber, Version,
};
