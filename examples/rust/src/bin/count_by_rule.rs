//! Counts alerts by rule for a while, then prints a table.
//!   count_by_rule [--seconds 60] [--address ADDR] [--ca F --cert F --key F]
use std::collections::HashMap;
use std::time::Duration;

use saker_client::AlertItem;
use saker_client_examples::Flags;
use tokio_stream::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::parse("count_by_rule [--seconds N]");
    let secs: u64 = flags.get("seconds").unwrap_or("60").parse()?;
    let client = flags.connect().await?;
    // Only the rule name is needed: ask the server for nothing else.
    let mut alerts = client.alerts().alert_fields(["rule"]).max_batch(256).subscribe().await?;
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut lost = 0;
    let deadline = tokio::time::sleep(Duration::from_secs(secs));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => break,
            item = alerts.next() => match item {
                Some(Ok(AlertItem::Alert(a))) => *counts.entry(a.rule).or_default() += 1,
                Some(Ok(AlertItem::Gap(g))) => lost += g.count,
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    println!("{:<w$}  {:>8}", "RULE", "ALERTS");
    for (rule, n) in &rows {
        println!("{rule:<w$}  {n:>8}");
    }
    println!("{:<w$}  {:>8}", "(lost)", lost);
    Ok(())
}
