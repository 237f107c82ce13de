//! Falco's wire API (`falco.outputs`, `falco.version`), for Saker and for
//! Falco servers alike.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tonic::transport::Channel;
use tonic::Streaming;

use crate::proto::falco::{outputs, version};
use crate::{Alert, Error, Result, Version};

/// Falco's API on a [`Client`](crate::Client)'s connection.
#[derive(Clone, Debug)]
pub struct FalcoClient {
    channel: Channel,
}

impl FalcoClient {
    pub(crate) fn new(channel: Channel) -> Self {
        FalcoClient { channel }
    }

    /// `falco.version.service/version`.
    pub async fn version(&self) -> Result<Version> {
        let mut c = version::service_client::ServiceClient::new(self.channel.clone());
        Ok(c.version(version::Request {}).await?.into_inner().into())
    }

    /// `falco.outputs.service/get`: the alerts the server's history holds;
    /// the stream ends after the last one.
    pub fn get(&self) -> FalcoStream {
        let mut c = outputs::service_client::ServiceClient::new(self.channel.clone());
        FalcoStream::pending(async move { Ok(c.get(outputs::Request {}).await?.into_inner()) })
    }

    /// `falco.outputs.service/sub`: live alerts. Saker pushes each alert as
    /// soon as it exists; for Falco servers, which answer polls, a request is
    /// sent every `poll_interval`. No sequence numbers, so no resume: use
    /// [`Client::alerts`](crate::Client::alerts) for that.
    pub fn sub(&self, poll_interval: Duration) -> FalcoStream {
        let mut c = outputs::service_client::ServiceClient::new(self.channel.clone());
        let mut tick = tokio::time::interval(poll_interval.max(Duration::from_millis(10)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let polls = tokio_stream::StreamExt::map(tokio_stream::wrappers::IntervalStream::new(tick), |_| {
            outputs::Request {}
        });
        FalcoStream::pending(async move { Ok(c.sub(polls).await?.into_inner()) })
    }
}

type CallFuture = Pin<Box<dyn Future<Output = Result<Streaming<outputs::Response>, tonic::Status>> + Send>>;

/// A stream of alerts from Falco's API (each with `sequence` 0); the call's
/// own error, if any, is its first item. Dropping it cancels the call.
pub struct FalcoStream {
    state: State,
}

enum State {
    Calling(CallFuture),
    Open(Box<Streaming<outputs::Response>>),
    Done,
}

impl FalcoStream {
    fn pending(
        f: impl Future<Output = Result<Streaming<outputs::Response>, tonic::Status>> + Send + 'static,
    ) -> Self {
        FalcoStream { state: State::Calling(Box::pin(f)) }
    }
}

impl std::fmt::Debug for FalcoStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FalcoStream").finish_non_exhaustive()
    }
}

impl futures_core::Stream for FalcoStream {
    type Item = Result<Alert, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match &mut self.state {
                State::Calling(f) => match f.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(s)) => self.state = State::Open(Box::new(s)),
                    Poll::Ready(Err(e)) => {
                        self.state = State::Done;
                        return Poll::Ready(Some(Err(e.into())));
                    }
                },
                State::Open(s) => {
                    return Pin::new(s.as_mut())
                        .poll_next(cx)
                        .map(|o| o.map(|r| r.map(Alert::from).map_err(Error::from)));
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }
}
