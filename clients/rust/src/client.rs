//! The client and its subscription builders.
use tonic::transport::Channel;

use crate::proto::saker::alerts::v1::{self as av1, alert_service_client::AlertServiceClient};
use crate::proto::saker::events::v1::{self as ev1, event_service_client::EventServiceClient};
use crate::proto::saker::rules::v1::{self as rv1, rule_service_client::RuleServiceClient};
use crate::proto::saker::status::v1::{self as sv1, status_service_client::StatusServiceClient};
use crate::stream::{self, OpenFuture, ReconnectPolicy, Resume, Source, Subscription};
use crate::{
    AlertItem, ClientBuilder, EventItem, FalcoClient, Priority, ReloadResult, Result, Rule, ServerStatus,
    Version,
};

/// A connection to a Saker (or Falco) server. Cheap to clone; clones share
/// the connection, which reconnects by itself.
#[derive(Clone, Debug)]
pub struct Client {
    channel: Channel,
}

impl Client {
    /// A builder: address, TLS, transport settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Connects to a unix-socket address (`unix:///path`). TCP needs TLS: use
    /// [`Client::builder`].
    pub async fn connect(address: impl Into<String>) -> Result<Client> {
        Self::builder().address(address).connect().await
    }

    /// Connects to `$SAKER_ADDRESS`, else `unix:///run/saker/saker.sock`.
    pub async fn connect_default() -> Result<Client> {
        Self::builder().connect().await
    }

    /// Wraps an existing channel.
    pub fn from_channel(channel: Channel) -> Client {
        Client { channel }
    }

    /// The underlying channel, for the generated stubs in [`crate::proto`].
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// The server's version (Falco's version service, which Saker serves).
    pub async fn version(&self) -> Result<Version> {
        self.falco().version().await
    }

    /// A snapshot of the daemon's state.
    pub async fn status(&self) -> Result<ServerStatus> {
        let mut c = StatusServiceClient::new(self.channel.clone());
        Ok(c.get_status(sv1::GetStatusRequest {}).await?.into_inner().into())
    }

    /// Every loaded rule, in load order.
    pub async fn list_rules(&self) -> Result<Vec<Rule>> {
        let mut c = RuleServiceClient::new(self.channel.clone());
        let r = c.list_rules(rv1::ListRulesRequest {}).await?.into_inner();
        Ok(r.rules.into_iter().map(Rule::from).collect())
    }

    /// Re-reads the rule files; a file with errors is rejected
    /// (`InvalidArgument`) and the running rules stay.
    pub async fn reload_rules(&self) -> Result<ReloadResult> {
        let mut c = RuleServiceClient::new(self.channel.clone());
        let r = c.reload_rules(rv1::ReloadRulesRequest {}).await?.into_inner();
        Ok(ReloadResult { rule_count: r.rule_count, warnings: r.warnings })
    }

    /// An alert subscription, to configure and then [`subscribe`](AlertSubscription::subscribe).
    pub fn alerts(&self) -> AlertSubscription {
        AlertSubscription {
            channel: self.channel.clone(),
            client: AlertServiceClient::new(self.channel.clone()),
            req: av1::SubscribeRequest::default(),
            reconnect: ReconnectPolicy::default(),
            buffer: 256,
        }
    }

    /// An event subscription, to configure and then [`subscribe`](EventSubscription::subscribe).
    pub fn events(&self) -> EventSubscription {
        EventSubscription {
            channel: self.channel.clone(),
            client: EventServiceClient::new(self.channel.clone()),
            req: ev1::SubscribeRequest::default(),
            reconnect: ReconnectPolicy::default(),
            buffer: 256,
        }
    }

    /// Falco's API on this connection.
    pub fn falco(&self) -> FalcoClient {
        FalcoClient::new(self.channel.clone())
    }
}

/// The filters, field selection and start of an alert subscription. Every
/// filter runs on the server; an alert is delivered when it passes all that
/// are set.
#[derive(Clone, Debug)]
#[must_use = "call .subscribe().await to start the subscription"]
pub struct AlertSubscription {
    channel: Channel,
    client: AlertServiceClient<Channel>,
    req: av1::SubscribeRequest,
    reconnect: ReconnectPolicy,
    buffer: usize,
}

impl AlertSubscription {
    fn filter(&mut self) -> &mut av1::AlertFilter {
        self.req.filter.get_or_insert_with(Default::default)
    }

    fn fields(&mut self) -> &mut av1::FieldSelection {
        self.req.fields.get_or_insert_with(Default::default)
    }

    /// Alerts at this priority or more severe.
    pub fn min_priority(mut self, p: Priority) -> Self {
        self.filter().min_priority = p as i32;
        self
    }

    /// Alerts from these rules only (exact names; adds to earlier calls).
    pub fn rules<I: IntoIterator<Item = S>, S: Into<String>>(mut self, rules: I) -> Self {
        self.filter().rules.extend(rules.into_iter().map(Into::into));
        self
    }

    /// Alerts whose rule carries at least one of these tags.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.filter().tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Alerts from these sources only (e.g. `syscall`).
    pub fn sources<I: IntoIterator<Item = S>, S: Into<String>>(mut self, sources: I) -> Self {
        self.filter().sources.extend(sources.into_iter().map(Into::into));
        self
    }

    /// A rules-language condition over the alert's fields, compiled on the
    /// server (a bad one fails `subscribe` with `InvalidArgument`).
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.filter().condition = condition.into();
        self
    }

    /// Which Alert fields to fill (`rule`, `output`, `output_fields`, ...);
    /// `sequence` is always filled. Default: all.
    pub fn alert_fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, paths: I) -> Self {
        let mask = self.fields().alert_fields.get_or_insert_with(Default::default);
        mask.paths.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Which output_fields keys to keep. Default: all.
    pub fn output_fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, keys: I) -> Self {
        self.fields().output_fields.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Up to this many alerts per message while behind (the stream still
    /// yields one item per alert).
    pub fn max_batch(mut self, n: u32) -> Self {
        self.req.max_batch = n;
        self
    }

    /// Start at this sequence number (history, then live). If the history no
    /// longer holds it, a [`GapReason::HistoryExpired`](crate::GapReason) gap comes first.
    pub fn from_sequence(mut self, seq: u64) -> Self {
        self.req.start = Some(av1::subscribe_request::Start::FromSequence(seq));
        self
    }

    /// Start with the oldest alert the history holds.
    pub fn from_oldest(mut self) -> Self {
        self.req.start = Some(av1::subscribe_request::Start::FromOldest(true));
        self
    }

    /// How to reconnect (default: forever, 100 ms to 5 s backoff).
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// How many items may wait in the client between the network and the
    /// consumer (default 256). Beyond that the server sees a slow consumer.
    pub fn buffer(mut self, n: usize) -> Self {
        self.buffer = n;
        self
    }

    /// The request this subscription sends.
    pub fn request(&self) -> &av1::SubscribeRequest {
        &self.req
    }

    /// Starts the subscription. Errors of this first call (unreachable
    /// server, bad condition, refused certificate) are returned here; later
    /// ones are retried per the reconnect policy.
    pub async fn subscribe(self) -> Result<Subscription<AlertItem>> {
        stream::subscribe(
            AlertSource { channel: self.channel, client: self.client, req: self.req },
            self.reconnect,
            self.buffer,
        )
        .await
    }
}

struct AlertSource {
    channel: Channel,
    client: AlertServiceClient<Channel>,
    req: av1::SubscribeRequest,
}

impl Source for AlertSource {
    type Resp = av1::SubscribeResponse;
    type Item = AlertItem;

    fn open(&self, resume: Resume) -> OpenFuture<Self::Resp> {
        use av1::subscribe_request::Start;
        let mut client = self.client.clone();
        let mut req = self.req.clone();
        match resume {
            Resume::Original => {}
            Resume::From(seq) => req.start = Some(Start::FromSequence(seq)),
            Resume::Oldest => req.start = Some(Start::FromOldest(true)),
        }
        Box::pin(async move { Ok(client.subscribe(req).await?.into_inner()) })
    }

    fn channel(&self) -> Channel {
        self.channel.clone()
    }

    fn split(resp: Self::Resp, out: &mut Vec<AlertItem>) {
        use av1::subscribe_response::Message;
        match resp.message {
            Some(Message::Alert(a)) => out.push(AlertItem::Alert(a.into())),
            Some(Message::Gap(g)) => out.push(AlertItem::Gap(g.into())),
            Some(Message::Batch(b)) => out.extend(b.alerts.into_iter().map(|a| AlertItem::Alert(a.into()))),
            None => {}
        }
    }

    fn sequence(item: &AlertItem) -> u64 {
        item.sequence()
    }
}

/// The filter and start of an event subscription.
#[derive(Clone, Debug)]
#[must_use = "call .subscribe().await to start the subscription"]
pub struct EventSubscription {
    channel: Channel,
    client: EventServiceClient<Channel>,
    req: ev1::SubscribeRequest,
    reconnect: ReconnectPolicy,
    buffer: usize,
}

impl EventSubscription {
    fn filter(&mut self) -> &mut ev1::EventFilter {
        self.req.filter.get_or_insert_with(Default::default)
    }

    /// These event types only (evt.type names, e.g. `execve`).
    pub fn types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.filter().types.extend(types.into_iter().map(Into::into));
        self
    }

    /// A rules-language condition, compiled on the server, e.g.
    /// `evt.type = execve and proc.name != sshd`.
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.filter().condition = condition.into();
        self
    }

    /// Up to this many events per message while behind.
    pub fn max_batch(mut self, n: u32) -> Self {
        self.req.max_batch = n;
        self
    }

    /// Start at this sequence number.
    pub fn from_sequence(mut self, seq: u64) -> Self {
        self.req.start = Some(ev1::subscribe_request::Start::FromSequence(seq));
        self
    }

    /// Start with the oldest event the history holds.
    pub fn from_oldest(mut self) -> Self {
        self.req.start = Some(ev1::subscribe_request::Start::FromOldest(true));
        self
    }

    /// How to reconnect.
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// How many items may wait in the client (default 256).
    pub fn buffer(mut self, n: usize) -> Self {
        self.buffer = n;
        self
    }

    /// Starts the subscription (first-call errors are returned here).
    pub async fn subscribe(self) -> Result<Subscription<EventItem>> {
        stream::subscribe(
            EventSource { channel: self.channel, client: self.client, req: self.req },
            self.reconnect,
            self.buffer,
        )
        .await
    }
}

struct EventSource {
    channel: Channel,
    client: EventServiceClient<Channel>,
    req: ev1::SubscribeRequest,
}

impl Source for EventSource {
    type Resp = ev1::SubscribeResponse;
    type Item = EventItem;

    fn open(&self, resume: Resume) -> OpenFuture<Self::Resp> {
        use ev1::subscribe_request::Start;
        let mut client = self.client.clone();
        let mut req = self.req.clone();
        match resume {
            Resume::Original => {}
            Resume::From(seq) => req.start = Some(Start::FromSequence(seq)),
            Resume::Oldest => req.start = Some(Start::FromOldest(true)),
        }
        Box::pin(async move { Ok(client.subscribe(req).await?.into_inner()) })
    }

    fn channel(&self) -> Channel {
        self.channel.clone()
    }

    fn split(resp: Self::Resp, out: &mut Vec<EventItem>) {
        use ev1::subscribe_response::Message;
        match resp.message {
            Some(Message::Event(e)) => out.push(EventItem::Event(e.into())),
            Some(Message::Gap(g)) => out.push(EventItem::Gap(g.into())),
            Some(Message::Batch(b)) => out.extend(b.events.into_iter().map(|e| EventItem::Event(e.into()))),
            None => {}
        }
    }

    fn sequence(item: &EventItem) -> u64 {
        item.sequence()
    }
}
