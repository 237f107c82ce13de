//! Watches exec events as they happen (filtered on the server).
//!   watch_exec [--condition COND] [--count N] [--address ADDR] [--ca F --cert F --key F]
use saker_client::EventItem;
use saker_client_examples::Flags;
use tokio_stream::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::parse("watch_exec [--condition COND] [--count N]");
    let cond = flags.get("condition").unwrap_or("evt.type in (execve, execveat)");
    let count: Option<usize> = flags.get("count").map(str::parse).transpose()?;
    let client = flags.connect().await?;
    let mut events = client.events().condition(cond).subscribe().await?;
    let mut seen = 0;
    while let Some(item) = events.next().await {
        match item? {
            EventItem::Event(e) => {
                let (exe, args) = (e.arg("exe").unwrap_or(""), e.arg("args").unwrap_or(""));
                println!(
                    "{} pid={} ppid={} uid={} {} {} {}",
                    e.sequence, e.pid, e.ppid, e.uid, e.proc_name, exe, args
                );
                seen += 1;
                if count.is_some_and(|c| seen >= c) {
                    break;
                }
            }
            EventItem::Gap(g) => eprintln!("lost {} events ({:?})", g.count, g.reason),
        }
    }
    Ok(())
}
