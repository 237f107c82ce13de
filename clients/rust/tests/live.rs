//! End-to-end tests against a live sakerd, started by the Bazel test
//! //clients/rust:sdk_test through clients/testing/sakerd_fixture.sh (which
//! exports SAKER_UNIX_ADDR, SAKER_TCP_ADDR, the certificates, SAKER_RULE,
//! SAKER_TRIGGER; the test adds SAKER_RESTART). Without SAKER_UNIX_ADDR the
//! tests are skipped, unless SAKER_REQUIRE_LIVE is set.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use saker_client::{
    AlertItem, Client, Error, EventItem, GapReason, Priority, ReconnectPolicy, Subscription, TlsConfig,
};
use tokio_stream::StreamExt;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (run under the sakerd fixture)"))
}

fn live() -> bool {
    if std::env::var_os("SAKER_UNIX_ADDR").is_some() {
        return true;
    }
    assert!(std::env::var_os("SAKER_REQUIRE_LIVE").is_none(), "SAKER_UNIX_ADDR is not set");
    eprintln!("skipped: no live sakerd (SAKER_UNIX_ADDR unset)");
    false
}

fn unique(tag: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("rs-{tag}-{}-{}-{t}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn marker(name: &str) -> String {
    format!("/tmp/saker-sdk-marker-{name}")
}

/// Runs `$SAKER_TRIGGER NAME` (the command with the suffix appended) every `every` until dropped (a subscription may
/// only be live on the server a little after subscribe returns).
struct Trigger(Arc<AtomicBool>, Option<std::thread::JoinHandle<()>>);

impl Trigger {
    fn every(name: &str, every: Duration) -> Trigger {
        let stop = Arc::new(AtomicBool::new(false));
        let (s, name, cmd) = (stop.clone(), name.to_string(), env("SAKER_TRIGGER"));
        let h = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let _ = std::process::Command::new("sh").args(["-c", &format!("{cmd} {name}")]).status();
                std::thread::sleep(every);
            }
        });
        Trigger(stop, Some(h))
    }
}

impl Drop for Trigger {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
        if let Some(h) = self.1.take() {
            let _ = h.join();
        }
    }
}

async fn unix() -> Client {
    Client::connect(env("SAKER_UNIX_ADDR")).await.expect("connect unix")
}

fn tls(cert: &str, key: &str) -> TlsConfig {
    TlsConfig::from_files(env("SAKER_CA"), env(cert), env(key)).expect("read certs")
}

async fn mtls() -> Client {
    Client::builder()
        .address(env("SAKER_TCP_ADDR"))
        .tls(tls("SAKER_CLIENT_CERT", "SAKER_CLIENT_KEY"))
        .connect()
        .await
        .expect("connect mTLS")
}

/// The next alert within `within`, skipping nothing (gaps are returned too).
async fn next_item(s: &mut Subscription<AlertItem>, within: Duration) -> AlertItem {
    tokio::time::timeout(within, s.next())
        .await
        .expect("no alert in time")
        .expect("stream ended")
        .expect("stream error")
}

/// Waits for an alert on `name`'s marker; panics on a timeout.
async fn alert_for(s: &mut Subscription<AlertItem>, name: &str, within: Duration) -> saker_client::Alert {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match next_item(s, left).await {
            AlertItem::Alert(a)
                if a.output_fields.get("fd.name").map(String::as_str) == Some(&marker(name)) =>
            {
                return a
            }
            _ => {}
        }
    }
}

async fn check_alerts(client: &Client) {
    let name = unique("e2e");
    let mut s = client
        .alerts()
        .min_priority(Priority::Warning)
        .rules([env("SAKER_RULE")])
        .tags(["sdk_test"])
        .sources(["syscall"])
        .condition(format!("fd.name = {}", marker(&name)))
        .subscribe()
        .await
        .expect("subscribe");
    let _t = Trigger::every(&name, Duration::from_millis(300));
    let a = alert_for(&mut s, &name, Duration::from_secs(15)).await;
    assert_eq!(a.rule, env("SAKER_RULE"));
    assert_eq!(a.priority, Priority::Warning);
    assert!(a.sequence > 0);
    assert!(a.tags.contains(&"sdk_test".to_string()), "{a:?}");
    assert_eq!(a.source, "syscall");
    assert!(a.output.contains(&marker(&name)), "{a:?}");
    let age = std::time::SystemTime::now().duration_since(a.time.expect("time")).expect("time in the past");
    assert!(age < Duration::from_secs(60), "{age:?}");
    assert!(a.publish_time.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_end_to_end_unix() {
    if !live() {
        return;
    }
    check_alerts(&unix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_end_to_end_mtls_and_unary_calls() {
    if !live() {
        return;
    }
    let c = mtls().await;
    check_alerts(&c).await;
    let v = c.version().await.expect("version");
    assert!(!v.version.is_empty());
    let st = c.status().await.expect("status");
    assert!(st.probe_loaded);
    assert_eq!(st.alerts.capacity, 64);
    let rules = c.list_rules().await.expect("list rules");
    let r = rules.iter().find(|r| r.name == env("SAKER_RULE")).expect("the marker rule is listed");
    assert_eq!(r.priority, Priority::Warning);
    assert!(r.enabled);
    let rr = c.reload_rules().await.expect("reload");
    assert_eq!(rr.rule_count as usize, rules.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_selection_and_min_priority() {
    if !live() {
        return;
    }
    let c = unix().await;
    let name = unique("fields");
    let mut s = c
        .alerts()
        .rules([env("SAKER_RULE")])
        .condition(format!("fd.name = {}", marker(&name)))
        .alert_fields(["rule", "output_fields"])
        .output_fields(["fd.name"])
        .max_batch(16)
        .subscribe()
        .await
        .unwrap();
    let mut high =
        c.alerts().min_priority(Priority::Error).rules([env("SAKER_RULE")]).subscribe().await.unwrap();
    let _t = Trigger::every(&name, Duration::from_millis(300));
    let a = alert_for(&mut s, &name, Duration::from_secs(15)).await;
    assert_eq!(a.rule, env("SAKER_RULE"));
    assert!(a.output.is_empty(), "output not selected: {a:?}");
    assert_eq!(a.output_fields.len(), 1, "{a:?}");
    assert!(a.sequence > 0);
    // The marker rule is WARNING: a minimum of ERROR delivers none of them.
    assert!(tokio::time::timeout(Duration::from_secs(1), high.next()).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_condition_is_invalid_argument() {
    if !live() {
        return;
    }
    let err = unix().await.alerts().condition("this is not ((( a condition").subscribe().await.unwrap_err();
    assert_eq!(err.code(), Some(tonic::Code::InvalidArgument), "{err}");
    let err = unix().await.events().condition("evt.type === (").subscribe().await.unwrap_err();
    assert_eq!(err.code(), Some(tonic::Code::InvalidArgument), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_events_end_to_end() {
    if !live() {
        return;
    }
    let c = unix().await;
    let name = unique("exec");
    let mut s = c.events().condition("evt.type = execve").subscribe().await.expect("subscribe events");
    let stop = Arc::new(AtomicBool::new(false));
    let (st, n) = (stop.clone(), name.clone());
    let h = std::thread::spawn(move || {
        while !st.load(Ordering::Relaxed) {
            let _ =
                std::process::Command::new("/bin/echo").arg(&n).stdout(std::process::Stdio::null()).status();
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let deadline = Instant::now() + Duration::from_secs(15);
    let found = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let item =
            tokio::time::timeout(left, s.next()).await.expect("no exec event in time").unwrap().unwrap();
        if let EventItem::Event(e) = item {
            assert_eq!(e.event_type, "execve");
            if e.args.iter().any(|a| a.value.contains(&name)) {
                break e;
            }
        }
    };
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap();
    assert!(found.sequence > 0 && found.pid > 0 && found.time.is_some(), "{found:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_from_sequence_replays_history() {
    if !live() {
        return;
    }
    let c = unix().await;
    let name = unique("resume");
    let mut s = c.alerts().rules([env("SAKER_RULE")]).subscribe().await.unwrap();
    let first = {
        let _t = Trigger::every(&name, Duration::from_millis(300));
        alert_for(&mut s, &name, Duration::from_secs(15)).await
    };
    drop(s);
    let mut again =
        c.alerts().rules([env("SAKER_RULE")]).from_sequence(first.sequence).subscribe().await.unwrap();
    match next_item(&mut again, Duration::from_secs(10)).await {
        AlertItem::Alert(a) => assert_eq!(a.sequence, first.sequence),
        AlertItem::Gap(g) => panic!("history should still hold {}: {g:?}", first.sequence),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_survives_server_restart() {
    if !live() {
        return;
    }
    let c = unix().await;
    let policy = ReconnectPolicy { max_backoff: Duration::from_millis(500), ..Default::default() };
    let mut s = c.alerts().rules([env("SAKER_RULE")]).reconnect(policy).subscribe().await.unwrap();
    let before = unique("before");
    {
        let _t = Trigger::every(&before, Duration::from_millis(300));
        alert_for(&mut s, &before, Duration::from_secs(15)).await;
    }
    let restart = env("SAKER_RESTART");
    let ok =
        tokio::task::spawn_blocking(move || std::process::Command::new(restart).status().unwrap().success())
            .await
            .unwrap();
    assert!(ok, "restart script failed");
    let after = unique("after");
    let _t = Trigger::every(&after, Duration::from_millis(300));
    // The same stream, reconnected by itself, delivers the new server's alerts.
    let a = alert_for(&mut s, &after, Duration::from_secs(30)).await;
    assert_eq!(a.rule, env("SAKER_RULE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_consumer_gets_gap_notices() {
    if !live() {
        return;
    }
    // A small HTTP/2 window and client buffer: the server sees the stall soon.
    let c =
        Client::builder().address(env("SAKER_UNIX_ADDR")).stream_window(8 * 1024).connect().await.unwrap();
    let before: std::collections::HashSet<u64> =
        c.status().await.unwrap().subscribers.iter().map(|s| s.id).collect();
    let mut s = c.alerts().rules([env("SAKER_RULE")]).buffer(1).subscribe().await.unwrap();
    let name = unique("flood");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for i in 0..300 {
            let _ = std::fs::File::open(marker(&format!("{name}-{i}")));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let st = c.status().await.unwrap();
        let me = st
            .subscribers
            .iter()
            .find(|x| !before.contains(&x.id) && x.kind == saker_client::StreamKind::Alerts);
        if me.is_some_and(|m| m.dropped > 0) {
            break;
        }
        assert!(Instant::now() < deadline, "the stalled subscriber never overflowed: {st:?}");
    }
    // Read on: the loss comes in-band, then alerts go on.
    let mut gap = None;
    let mut after_gap = 0;
    let mut last = 0;
    let end = Instant::now() + Duration::from_secs(30);
    let mut n = 0;
    while after_gap < 3 {
        assert!(Instant::now() < end, "no gap then alerts (gap {gap:?}, after {after_gap})");
        if gap.is_some() {
            n += 1;
            let _ = std::fs::File::open(marker(&format!("{name}-post-{n}")));
        }
        let item = next_item(&mut s, Duration::from_secs(10)).await;
        match &item {
            AlertItem::Gap(g) => {
                assert_eq!(g.reason, GapReason::SubscriberOverflow, "{g:?}");
                assert_eq!(g.count, g.to_sequence - g.from_sequence + 1);
                assert!(g.from_sequence > last, "{g:?} after {last}");
                gap = Some(*g);
            }
            AlertItem::Alert(a) => {
                assert!(a.sequence > last);
                if gap.is_some() {
                    after_gap += 1;
                }
            }
        }
        last = item.sequence();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_stream_cancels_it() {
    if !live() {
        return;
    }
    let c = unix().await;
    let count = |st: &saker_client::ServerStatus| st.subscribers.len();
    let base = count(&c.status().await.unwrap());
    let s = c.alerts().subscribe().await.unwrap();
    let e = c.events().condition("evt.type = execve").subscribe().await.unwrap();
    assert!(count(&c.status().await.unwrap()) >= base + 2);
    drop(s);
    e.cancel();
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&c.status().await.unwrap()) > base {
        assert!(Instant::now() < deadline, "the server still holds the dropped subscriptions");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn falco_api_version_sub_get() {
    if !live() {
        return;
    }
    let f = unix().await.falco();
    assert!(!f.version().await.unwrap().version.is_empty());
    let mut sub = f.sub(Duration::from_millis(200));
    let name = unique("falco");
    let _t = Trigger::every(&name, Duration::from_millis(300));
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let a = tokio::time::timeout(left, sub.next()).await.expect("no falco alert").unwrap().unwrap();
        if a.output_fields.get("fd.name") == Some(&marker(&name)) {
            assert_eq!(a.priority, Priority::Warning);
            assert_eq!(a.sequence, 0);
            break;
        }
    }
    let got: Vec<_> =
        tokio::time::timeout(Duration::from_secs(10), f.get().collect::<Vec<_>>()).await.expect("get ends");
    assert!(got.iter().any(|a| a.as_ref().is_ok_and(|a| a.rule == env("SAKER_RULE"))));
}

async fn refused(cert: &str, key: &str) -> Error {
    let c = Client::builder()
        .address(env("SAKER_TCP_ADDR"))
        .tls(tls(cert, key))
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await;
    match c {
        Err(e) => e,
        // TLS 1.3: the client may finish its side before the server refuses.
        Ok(c) => match c.version().await {
            Err(e) => e,
            Ok(v) => panic!("{cert} was accepted (version {v:?})"),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_and_expired_certificates_are_refused() {
    if !live() {
        return;
    }
    let e = refused("SAKER_BAD_CERT", "SAKER_BAD_KEY").await;
    eprintln!("other CA refused: {e}");
    let e = refused("SAKER_EXPIRED_CERT", "SAKER_EXPIRED_KEY").await;
    eprintln!("expired refused: {e}");
    // TCP without TLS is a configuration error, not a plaintext attempt.
    let e = Client::builder().address(env("SAKER_TCP_ADDR")).connect().await.unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e}");
}

#[test]
fn addresses_and_priorities() {
    use saker_client::Address;
    assert_eq!(
        Address::parse("unix:///run/saker/saker.sock").unwrap(),
        Address::Unix("/run/saker/saker.sock".into())
    );
    assert_eq!(Address::parse("unix:rel.sock").unwrap(), Address::Unix("rel.sock".into()));
    assert_eq!(
        Address::parse("127.0.0.1:5060").unwrap(),
        Address::Tcp { host: "127.0.0.1".into(), port: 5060 }
    );
    assert_eq!(
        Address::parse("https://[::1]:5060").unwrap(),
        Address::Tcp { host: "::1".into(), port: 5060 }
    );
    assert!(Address::parse("nonsense").is_err());
    assert!(Address::parse("unix://relative").is_err());
    assert_eq!("warning".parse::<Priority>().unwrap(), Priority::Warning);
    assert_eq!("PRIORITY_CRITICAL".parse::<Priority>().unwrap(), Priority::Critical);
    assert!(Priority::Error > Priority::Warning);
    assert_eq!(Priority::Notice.to_string(), "NOTICE");
    assert!(!Client::builder().resolved_address().is_empty());
}
