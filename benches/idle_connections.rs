//! What strangers' connections cost `tutorbot http` in memory: 10,000 idle
//! connections, then 500 unfinished 380 KB header lines, against one
//! process, with its resident memory (VmRSS) read from `/proc` before and
//! after each, and whether a signed PING is still answered.
//!
//! ```text
//! cargo bench --profile dev --bench idle_connections
//! TUTORBOT_BIN=/path/to/older/tutorbot cargo bench --profile dev --bench idle_connections
//! ```
//!
//! `TUTORBOT_BIN` compares another build (an older commit's binary); both
//! runs should use the same profile. `--connections N` and `--long-heads N`
//! change the counts. Uses the machine's Postgres (`DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/tutorbot_bench_idle`).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tutorbot_testkit::fake_discord::FakeDiscord;
use tutorbot_testkit::fixtures;
use tutorbot_testkit::process::{BotEnv, BotProcess};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// VmRSS of a process, in MiB.
fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn ping(fake: &FakeDiscord, bot: &BotProcess) -> u16 {
    let payload = fixtures::ping(fake.application_id(), fixtures::snowflake(), "ping-token");
    match tokio::time::timeout(
        Duration::from_secs(10),
        fake.post_interaction(&bot.url(), &payload),
    )
    .await
    {
        Ok(answer) => answer.status,
        Err(_) => 0,
    }
}

/// How many of `streams` the server still holds open and silent (a closed
/// one reads EOF; one the server answered, a 431 say, reads its answer).
async fn still_open(streams: &mut [TcpStream]) -> usize {
    let mut open = 0;
    let mut buf = [0u8; 64];
    for s in streams.iter_mut() {
        if tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf))
            .await
            .is_err()
        {
            open += 1;
        }
    }
    open
}

#[tokio::main]
async fn main() {
    let connections = arg("--connections", 10_000);
    let long_heads = arg("--long-heads", 500);
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let url = std::env::var("DATABASE_URL")
        .map(|u| match u.rsplit_once('/') {
            Some((server, _)) => format!("{server}/tutorbot_bench_idle"),
            None => u,
        })
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/tutorbot_bench_idle".into());
    let fake = FakeDiscord::start().await;
    let mut env = BotEnv::http(&url, &fake.public_key_hex(), "127.0.0.1:0");
    env.set("RUST_LOG", "error");
    let bot = BotProcess::spawn(&env).await;
    let pid = bot.pid();
    let binary = std::env::var("TUTORBOT_BIN").unwrap_or_else(|_| "this build".into());
    assert_eq!(ping(&fake, &bot).await, 200);
    let start = rss_mib(pid);

    let mut idle = Vec::with_capacity(connections);
    for _ in 0..connections {
        match TcpStream::connect(bot.addr()).await {
            Ok(s) => idle.push(s),
            Err(e) => {
                eprintln!("connect failed after {}: {e}", idle.len());
                break;
            }
        }
    }
    // Let the server accept what it will before reading its memory.
    let answered = ping(&fake, &bot).await;
    let with_idle = rss_mib(pid);
    let open = still_open(&mut idle).await;
    drop(idle);

    let mut heads = Vec::with_capacity(long_heads);
    let line = vec![b'a'; 380 * 1024];
    for _ in 0..long_heads {
        let Ok(mut s) = TcpStream::connect(bot.addr()).await else {
            break;
        };
        let _ = s
            .write_all(b"POST /interactions HTTP/1.1\r\nx-padding: ")
            .await;
        // The server may stop reading (or close) long before 380 KB.
        let _ = tokio::time::timeout(Duration::from_millis(50), s.write_all(&line)).await;
        heads.push(s);
    }
    let answered_heads = ping(&fake, &bot).await;
    let with_heads = rss_mib(pid);
    let heads_open = still_open(&mut heads).await;
    drop(heads);
    let (_, _) = bot.terminate().await;

    println!("binary: {binary}");
    println!("| load | RSS before | RSS with it | held open | signed PING |");
    println!("|---|---|---|---|---|");
    println!(
        "| {connections} idle connections | {start:.1} MiB | {with_idle:.1} MiB | {open} | {answered} |"
    );
    println!(
        "| {long_heads} unfinished 380 KB header lines | {with_idle:.1} MiB | {with_heads:.1} MiB | {heads_open} | {answered_heads} |"
    );
}
