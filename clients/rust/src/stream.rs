//! Resumable subscriptions: reconnect with backoff, resume from the last
//! sequence seen, cancel on drop.
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use std::time::SystemTime;

use tokio::sync::{mpsc, oneshot};
use tonic::transport::Channel;

use crate::proto::saker::status::v1::{status_service_client::StatusServiceClient, GetStatusRequest};
use tokio::task::JoinHandle;
use tonic::{Code, Status, Streaming};

use crate::Error;

/// How a subscription reconnects after the server goes away.
#[derive(Clone, Debug, PartialEq)]
pub struct ReconnectPolicy {
    /// Whether to reconnect at all (if not, the stream ends with the error).
    pub enabled: bool,
    /// The first delay.
    pub initial_backoff: Duration,
    /// The longest delay.
    pub max_backoff: Duration,
    /// Each failed attempt multiplies the delay by this.
    pub multiplier: f64,
    /// Give up (ending the stream with the last error) after this many
    /// failed attempts in a row; `None` retries forever.
    pub max_attempts: Option<u32>,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            enabled: true,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            multiplier: 2.0,
            max_attempts: None,
        }
    }
}

impl ReconnectPolicy {
    /// Never reconnect.
    pub fn disabled() -> Self {
        ReconnectPolicy { enabled: false, ..Default::default() }
    }

    /// The delay before attempt `n` (from 1), with up to 20% jitter.
    fn delay(&self, attempt: u32) -> Duration {
        let base = self.initial_backoff.as_secs_f64()
            * self.multiplier.max(1.0).powi(attempt.saturating_sub(1).min(64) as i32);
        let base = base.min(self.max_backoff.as_secs_f64());
        let r = std::collections::hash_map::RandomState::new().build_hasher().finish();
        let jitter = 1.0 - 0.2 * (r % 1000) as f64 / 1000.0;
        Duration::from_secs_f64(base * jitter)
    }
}

/// Status codes worth a reconnect: the server or the transport went away.
/// Others (a bad condition, permission denied, ...) end the stream.
pub(crate) fn retryable(s: &Status) -> bool {
    matches!(
        s.code(),
        Code::Unavailable
            | Code::Unknown
            | Code::Aborted
            | Code::Internal
            | Code::Cancelled
            | Code::DeadlineExceeded
    )
}

pub(crate) type OpenFuture<R> = Pin<Box<dyn Future<Output = Result<Streaming<R>, Status>> + Send>>;

/// Where a (re)opened stream starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resume {
    /// The subscription's own start.
    Original,
    /// This sequence number (the last one seen plus one).
    From(u64),
    /// The oldest the history holds (the server restarted: a new sequence).
    Oldest,
}

/// When the server started, to tell a restarted server (whose sequence
/// numbers begin again at 1) from a reconnect to the same one.
pub(crate) async fn server_start(channel: Channel) -> Option<SystemTime> {
    let mut c = StatusServiceClient::new(channel);
    let s = c.get_status(GetStatusRequest {}).await.ok()?.into_inner();
    crate::types::time_of(s.start_time)
}

/// One kind of resumable server stream.
pub(crate) trait Source: Send + Sync + 'static {
    type Resp: Send + 'static;
    type Item: Send + 'static;
    /// Opens the stream at `resume`.
    fn open(&self, resume: Resume) -> OpenFuture<Self::Resp>;
    /// The connection, for the server's start time.
    fn channel(&self) -> Channel;
    /// The items of one message, in order.
    fn split(resp: Self::Resp, out: &mut Vec<Self::Item>);
    /// The last sequence number an item accounts for.
    fn sequence(item: &Self::Item) -> u64;
}

/// A live subscription: a [`Stream`](futures_core::Stream) of items
/// (`Ok(AlertItem)`/`Ok(EventItem)`, gap notices included), ending only with
/// an error that reconnecting cannot fix (or when reconnecting is disabled
/// or gives up). Dropping it cancels the call.
pub struct Subscription<T> {
    rx: mpsc::Receiver<Result<T, Error>>,
    task: JoinHandle<()>,
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl<T> Subscription<T> {
    /// Cancels the subscription (the same as dropping it).
    pub fn cancel(self) {}
}

impl<T> futures_core::Stream for Subscription<T> {
    type Item = Result<T, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl<T> std::fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").finish_non_exhaustive()
    }
}

/// Starts the pump task and waits until the first call is answered or
/// `FIRST_CALL_GRACE` passes (a server may send its response headers only
/// with the first item). Errors of the first call that arrive in time (a bad
/// condition, a refused certificate, no server) are returned here.
pub(crate) async fn subscribe<S: Source>(
    src: S,
    policy: ReconnectPolicy,
    buffer: usize,
) -> Result<Subscription<S::Item>, Error> {
    let (tx, rx) = mpsc::channel(buffer.max(1));
    let (ready_tx, ready_rx) = oneshot::channel();
    let task = tokio::spawn(pump(src, tx, policy, ready_tx));
    let sub = Subscription { rx, task };
    match tokio::time::timeout(FIRST_CALL_GRACE, ready_rx).await {
        Ok(Ok(Err(e))) => Err(e),
        _ => Ok(sub),
    }
}

const FIRST_CALL_GRACE: Duration = Duration::from_millis(500);

async fn pump<S: Source>(
    src: S,
    tx: mpsc::Sender<Result<S::Item, Error>>,
    policy: ReconnectPolicy,
    ready: oneshot::Sender<Result<(), Error>>,
) {
    let mut ready = Some(ready);
    let mut started: Option<SystemTime> = None;
    let mut last: Option<u64> = None;
    let mut items = Vec::new();
    let mut attempt = 0u32;
    loop {
        let channel = src.channel();
        let opened = tokio::select! {
            _ = tx.closed() => return,
            r = async {
                let now = server_start(channel).await;
                let resume = match (last, started, now) {
                    // Whether the server restarted cannot be told (its status did
                    // not answer): resuming blindly could skip a new instance's
                    // first items, so retry after the backoff.
                    (Some(_), Some(_), None) => {
                        return Err(Status::unavailable("the server's status did not answer"));
                    }
                    // A restarted server numbers from 1 again: take all it has.
                    (Some(_), Some(a), Some(b)) if a != b => Resume::Oldest,
                    (Some(seq), _, _) => Resume::From(seq + 1),
                    (None, _, _) => Resume::Original,
                };
                src.open(resume).await.map(|s| (s, now))
            } => r,
        };
        let err = match opened {
            Ok((mut stream, now)) => {
                if let Some(r) = ready.take() {
                    let _ = r.send(Ok(()));
                }
                started = now.or(started);
                loop {
                    match stream.message().await {
                        Ok(Some(resp)) => {
                            attempt = 0;
                            S::split(resp, &mut items);
                            for item in items.drain(..) {
                                last = Some(S::sequence(&item));
                                if tx.send(Ok(item)).await.is_err() {
                                    return;
                                }
                            }
                        }
                        Ok(None) => break Status::unavailable("the server ended the stream"),
                        Err(s) => break s,
                    }
                }
            }
            Err(e) => {
                // The caller still waits on the first call: the error is its.
                if let Some(r) = ready.take() {
                    if !r.is_closed() {
                        let _ = r.send(Err(e.into()));
                        return;
                    }
                }
                e
            }
        };
        attempt += 1;
        if !policy.enabled || !retryable(&err) || policy.max_attempts.is_some_and(|m| attempt > m) {
            let _ = tx.send(Err(err.into())).await;
            return;
        }
        tokio::select! {
            _ = tx.closed() => return,
            _ = tokio::time::sleep(policy.delay(attempt)) => {}
        }
    }
}
