//! Tails alerts at or above a priority, reconnecting (and resuming) by itself.
//!   tail_alerts [--priority warning] [--count N] [--address ADDR] [--ca F --cert F --key F]
use saker_client::{AlertItem, Priority};
use saker_client_examples::Flags;
use tokio_stream::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::parse("tail_alerts [--priority P] [--count N]");
    let min: Priority = flags.get("priority").unwrap_or("warning").parse()?;
    let count: Option<usize> = flags.get("count").map(str::parse).transpose()?;
    let client = flags.connect().await?;
    let mut alerts = client.alerts().min_priority(min).subscribe().await?;
    let mut seen = 0;
    while let Some(item) = alerts.next().await {
        match item? {
            AlertItem::Alert(a) => {
                println!("{} {:<9} {}: {}", a.sequence, a.priority, a.rule, a.output);
                seen += 1;
                if count.is_some_and(|c| seen >= c) {
                    break;
                }
            }
            AlertItem::Gap(g) => {
                eprintln!("lost {} alerts ({}..{}, {:?})", g.count, g.from_sequence, g.to_sequence, g.reason)
            }
        }
    }
    Ok(())
}
