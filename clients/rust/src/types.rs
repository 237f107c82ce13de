//! Typed alerts, events, gap notices and server state.
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::proto::falco;
use crate::proto::saker::{alerts::v1 as av1, events::v1 as ev1, rules::v1 as rv1, status::v1 as sv1};
use crate::Priority;

pub(crate) fn time_of(t: Option<prost_types::Timestamp>) -> Option<SystemTime> {
    let t = t?;
    let nanos = Duration::from_nanos(t.nanos.clamp(0, 999_999_999) as u64);
    Some(if t.seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(t.seconds as u64) + nanos
    } else {
        UNIX_EPOCH - Duration::from_secs(t.seconds.unsigned_abs()) + nanos
    })
}

fn duration_of(d: Option<prost_types::Duration>) -> Duration {
    d.map(|d| Duration::new(d.seconds.max(0) as u64, d.nanos.clamp(0, 999_999_999) as u32))
        .unwrap_or_default()
}

impl Priority {
    /// Every priority, least severe first (without `Unspecified`).
    pub const ALL: [Priority; 8] = [
        Priority::Debug,
        Priority::Informational,
        Priority::Notice,
        Priority::Warning,
        Priority::Error,
        Priority::Critical,
        Priority::Alert,
        Priority::Emergency,
    ];

    /// The rules-file spelling: `WARNING`, `CRITICAL`, ...
    pub fn name(self) -> &'static str {
        match self {
            Priority::Unspecified => "UNSPECIFIED",
            Priority::Debug => "DEBUG",
            Priority::Informational => "INFORMATIONAL",
            Priority::Notice => "NOTICE",
            Priority::Warning => "WARNING",
            Priority::Error => "ERROR",
            Priority::Critical => "CRITICAL",
            Priority::Alert => "ALERT",
            Priority::Emergency => "EMERGENCY",
        }
    }

    pub(crate) fn from_wire(v: i32) -> Priority {
        Priority::try_from(v).unwrap_or(Priority::Unspecified)
    }

    pub(crate) fn from_falco(v: i32) -> Priority {
        use falco::schema::Priority as F;
        match F::try_from(v) {
            Ok(F::Emergency) => Priority::Emergency,
            Ok(F::Alert) => Priority::Alert,
            Ok(F::Critical) => Priority::Critical,
            Ok(F::Error) => Priority::Error,
            Ok(F::Warning) => Priority::Warning,
            Ok(F::Notice) => Priority::Notice,
            Ok(F::Informational) => Priority::Informational,
            Ok(F::Debug) => Priority::Debug,
            Err(_) => Priority::Unspecified,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Parses a priority name, case-insensitively: `warning`, `WARNING`,
/// `PRIORITY_WARNING`, and the short forms `info`, `err`, `crit`, `emerg`.
impl FromStr for Priority {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let up = s.trim().to_ascii_uppercase();
        let up = up.strip_prefix("PRIORITY_").unwrap_or(&up);
        Ok(match up {
            "DEBUG" => Priority::Debug,
            "INFO" | "INFORMATIONAL" => Priority::Informational,
            "NOTICE" => Priority::Notice,
            "WARN" | "WARNING" => Priority::Warning,
            "ERR" | "ERROR" => Priority::Error,
            "CRIT" | "CRITICAL" => Priority::Critical,
            "ALERT" => Priority::Alert,
            "EMERG" | "EMERGENCY" => Priority::Emergency,
            _ => return Err(crate::Error::Config(format!("unknown priority {s:?}"))),
        })
    }
}

/// One alert raised by a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// Position in the server's alert sequence (from 1). 0 for alerts from
    /// Falco's API, which has no sequence numbers.
    pub sequence: u64,
    /// Time of the event that raised the alert.
    pub time: Option<SystemTime>,
    /// The rule's priority.
    pub priority: Priority,
    /// The rule's name.
    pub rule: String,
    /// The formatted output line.
    pub output: String,
    /// Every field named in the rule's output (`<NA>` if unknown).
    pub output_fields: HashMap<String, String>,
    /// The host the alert was raised on.
    pub hostname: String,
    /// The rule's tags, sorted and unique.
    pub tags: Vec<String>,
    /// The event source: `syscall`, `internal` or a plugin's.
    pub source: String,
    /// When the server published the alert (Saker v1 only).
    pub publish_time: Option<SystemTime>,
}

impl From<av1::Alert> for Alert {
    fn from(a: av1::Alert) -> Self {
        Alert {
            sequence: a.sequence,
            time: time_of(a.time),
            priority: Priority::from_wire(a.priority),
            rule: a.rule,
            output: a.output,
            output_fields: a.output_fields,
            hostname: a.hostname,
            tags: a.tags,
            source: a.source,
            publish_time: time_of(a.publish_time),
        }
    }
}

impl From<falco::outputs::Response> for Alert {
    fn from(a: falco::outputs::Response) -> Self {
        Alert {
            sequence: 0,
            time: time_of(a.time),
            priority: Priority::from_falco(a.priority),
            rule: a.rule,
            output: a.output,
            output_fields: a.output_fields,
            hostname: a.hostname,
            tags: a.tags,
            source: a.source,
            publish_time: None,
        }
    }
}

/// Why a range of sequence numbers was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GapReason {
    /// Not given by the server.
    Unspecified,
    /// The subscriber fell behind and its bounded queue overflowed.
    SubscriberOverflow,
    /// The requested start (e.g. a resume after a reconnect) is older than
    /// what the server's history holds.
    HistoryExpired,
}

/// An in-band notice that items were lost for this subscriber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// First lost sequence number.
    pub from_sequence: u64,
    /// Last lost sequence number (inclusive).
    pub to_sequence: u64,
    /// How many were lost.
    pub count: u64,
    /// Why.
    pub reason: GapReason,
}

impl From<av1::Gap> for Gap {
    fn from(g: av1::Gap) -> Self {
        let reason = match av1::GapReason::try_from(g.reason) {
            Ok(av1::GapReason::SubscriberOverflow) => GapReason::SubscriberOverflow,
            Ok(av1::GapReason::HistoryExpired) => GapReason::HistoryExpired,
            _ => GapReason::Unspecified,
        };
        Gap { from_sequence: g.from_sequence, to_sequence: g.to_sequence, count: g.count, reason }
    }
}

impl From<ev1::Gap> for Gap {
    fn from(g: ev1::Gap) -> Self {
        let reason = match ev1::GapReason::try_from(g.reason) {
            Ok(ev1::GapReason::SubscriberOverflow) => GapReason::SubscriberOverflow,
            Ok(ev1::GapReason::HistoryExpired) => GapReason::HistoryExpired,
            _ => GapReason::Unspecified,
        };
        Gap { from_sequence: g.from_sequence, to_sequence: g.to_sequence, count: g.count, reason }
    }
}

/// One item of an alert subscription.
#[derive(Clone, Debug, PartialEq)]
pub enum AlertItem {
    /// An alert that passed the filters.
    Alert(Alert),
    /// Alerts were lost.
    Gap(Gap),
}

impl AlertItem {
    /// The last sequence number this item accounts for.
    pub fn sequence(&self) -> u64 {
        match self {
            AlertItem::Alert(a) => a.sequence,
            AlertItem::Gap(g) => g.to_sequence,
        }
    }
}

/// One decoded argument of an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Argument {
    /// `fd`, `name`, `flags`, `argv`, ...
    pub name: String,
    /// The value as `sakerd capture --json` prints it.
    pub value: String,
}

/// One syscall event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Position in the server's event sequence (from 1).
    pub sequence: u64,
    /// Time of the event.
    pub time: Option<SystemTime>,
    /// CPU it was captured on.
    pub cpu: u32,
    /// evt.type, e.g. `execve`.
    pub event_type: String,
    /// The syscall's return value.
    pub res: i64,
    /// Process id.
    pub pid: i64,
    /// Thread id.
    pub tid: i64,
    /// Parent process id.
    pub ppid: i64,
    /// Process name (comm).
    pub proc_name: String,
    /// Real user id.
    pub uid: u32,
    /// Real group id.
    pub gid: u32,
    /// cgroup v2 id.
    pub cgroup_id: u64,
    /// Decoded arguments, in the syscall's order.
    pub args: Vec<Argument>,
}

impl Event {
    /// The value of the argument `name`, if present.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|a| a.name == name).map(|a| a.value.as_str())
    }
}

impl From<ev1::Event> for Event {
    fn from(e: ev1::Event) -> Self {
        Event {
            sequence: e.sequence,
            time: time_of(e.time),
            cpu: e.cpu,
            event_type: e.r#type,
            res: e.res,
            pid: e.pid,
            tid: e.tid,
            ppid: e.ppid,
            proc_name: e.proc_name,
            uid: e.uid,
            gid: e.gid,
            cgroup_id: e.cgroup_id,
            args: e.args.into_iter().map(|a| Argument { name: a.name, value: a.value }).collect(),
        }
    }
}

/// One item of an event subscription.
#[derive(Clone, Debug, PartialEq)]
pub enum EventItem {
    /// An event that passed the filter.
    Event(Event),
    /// Events were lost.
    Gap(Gap),
}

impl EventItem {
    /// The last sequence number this item accounts for.
    pub fn sequence(&self) -> u64 {
        match self {
            EventItem::Event(e) => e.sequence,
            EventItem::Gap(g) => g.to_sequence,
        }
    }
}

/// The server's version (Falco's version service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// The full version string.
    pub version: String,
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
    /// The rules engine's version string.
    pub engine_version: String,
}

impl From<falco::version::Response> for Version {
    fn from(v: falco::version::Response) -> Self {
        Version {
            version: v.version,
            major: v.major,
            minor: v.minor,
            patch: v.patch,
            engine_version: v.engine_version,
        }
    }
}

/// One loaded rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Name.
    pub name: String,
    /// Priority.
    pub priority: Priority,
    /// Tags, sorted and unique.
    pub tags: Vec<String>,
    /// The event types its condition can match.
    pub event_types: Vec<String>,
    /// The event source.
    pub source: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Alerts raised since it was loaded.
    pub match_count: u64,
}

impl From<rv1::Rule> for Rule {
    fn from(r: rv1::Rule) -> Self {
        Rule {
            name: r.name,
            priority: Priority::from_wire(r.priority),
            tags: r.tags,
            event_types: r.event_types,
            source: r.source,
            enabled: r.enabled,
            match_count: r.match_count,
        }
    }
}

/// The result of a successful rules reload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReloadResult {
    /// How many rules are loaded now.
    pub rule_count: u32,
    /// Warnings from loading.
    pub warnings: Vec<String>,
}

/// Counters of one fan-out hub (alerts or events).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HubStatus {
    /// Items published since start.
    pub published: u64,
    /// How many items the history holds at most.
    pub capacity: u64,
    /// Oldest sequence number held (0 when empty).
    pub oldest_sequence: u64,
    /// Newest sequence number (0 when empty).
    pub newest_sequence: u64,
}

impl From<sv1::HubStatus> for HubStatus {
    fn from(h: sv1::HubStatus) -> Self {
        HubStatus {
            published: h.published,
            capacity: h.capacity,
            oldest_sequence: h.oldest_sequence,
            newest_sequence: h.newest_sequence,
        }
    }
}

/// What kind of stream a subscriber holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// Not given.
    Unspecified,
    /// Saker v1 alerts.
    Alerts,
    /// Saker v1 events.
    Events,
    /// Falco's API.
    Falco,
}

/// One open subscription on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscriber {
    /// Server-assigned id.
    pub id: u64,
    /// Peer address.
    pub peer: String,
    /// Client identity (certificate CN or SAN), empty on the unix socket.
    pub identity: String,
    /// Stream kind.
    pub kind: StreamKind,
    /// Items waiting for it.
    pub queue_depth: u64,
    /// Items delivered.
    pub delivered: u64,
    /// Items lost to overflow.
    pub dropped: u64,
    /// When it started.
    pub since: Option<SystemTime>,
}

/// A snapshot of the daemon's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerStatus {
    /// When the daemon started.
    pub start_time: Option<SystemTime>,
    /// How long it has been running.
    pub uptime: Duration,
    /// Whether the probe is loaded and attached.
    pub probe_loaded: bool,
    /// Events captured since start.
    pub events_captured: u64,
    /// Kernel drops by category.
    pub kernel_drops: HashMap<String, u64>,
    /// The loaded rules.
    pub rules: Vec<Rule>,
    /// The alert hub.
    pub alerts: HubStatus,
    /// The event hub.
    pub events: HubStatus,
    /// Every open subscription.
    pub subscribers: Vec<Subscriber>,
}

impl From<sv1::GetStatusResponse> for ServerStatus {
    fn from(s: sv1::GetStatusResponse) -> Self {
        let driver = s.driver.unwrap_or_default();
        ServerStatus {
            start_time: time_of(s.start_time),
            uptime: duration_of(s.uptime),
            probe_loaded: driver.probe_loaded,
            events_captured: driver.events_captured,
            kernel_drops: driver.kernel_drops,
            rules: s.rules.into_iter().map(Rule::from).collect(),
            alerts: s.alerts.map(HubStatus::from).unwrap_or_default(),
            events: s.events.map(HubStatus::from).unwrap_or_default(),
            subscribers: s
                .subscribers
                .into_iter()
                .map(|x| Subscriber {
                    id: x.id,
                    peer: x.peer,
                    identity: x.identity,
                    kind: match sv1::StreamKind::try_from(x.kind) {
                        Ok(sv1::StreamKind::Alerts) => StreamKind::Alerts,
                        Ok(sv1::StreamKind::Events) => StreamKind::Events,
                        Ok(sv1::StreamKind::Falco) => StreamKind::Falco,
                        _ => StreamKind::Unspecified,
                    },
                    queue_depth: x.queue_depth,
                    delivered: x.delivered,
                    dropped: x.dropped,
                    since: time_of(x.since),
                })
                .collect(),
        }
    }
}
