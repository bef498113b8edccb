//! The chaos run: crashes, Postgres outages and floods against the release
//! `tutorbot http`, on loopback, and one table of what happened.
//!
//! ```text
//! cargo bench --bench chaos                       # 10 kills, 2 outages, the floods
//! cargo bench --bench chaos -- --kills 3 --outages 1 --burst 500   # a quicker look
//! scripts/chaos                                   # this, then scripts/hostile
//! ```
//!
//! Postgres is a private cluster (`initdb` + `pg_ctl` on a free port, in a
//! temporary directory, removed at the end): the outages stop it for real
//! (`pg_ctl stop -m immediate`, a crash as far as Postgres knows) without
//! touching the machine's shared server. As root the cluster runs as the
//! `postgres` user (`runuser`); `PG_BIN` names the server binaries'
//! directory if `/usr/lib/postgresql/*/bin` is not it.
//!
//! The runs (numbered as in issue #6):
//! 1. **crash**: `--seats` learners at once, each ticking every objective
//!    of `async` then taking the `python-setup` quiz, through signed
//!    requests; the process gets SIGKILL at a random moment (0.3–1.5 s after
//!    it came up), `--kills` times, and is started again on the same port.
//! 2. **outage**: the same load; Postgres is stopped for `--outage-secs`
//!    and started again, `--outages` times, while the process keeps running.
//!    During each outage a passer-by opens `/lesson async`.
//! 4. **floods**, each on a fresh process with the default settings (the
//!    per-learner throttle on, 256 interactions in flight at the door):
//!    - one learner clicking as fast as 32 connections can, 5 s;
//!    - `--demos` learners starting `/demo gather 5` at the same moment;
//!    - a burst of `--burst` learners at once for 5 s, while 4 other
//!      learners go on as usual (their row is the "answered within 3 s"
//!      figure), then the burst stops and the others carry on.
//!
//! In runs 1 and 2 the per-learner throttle is off (`LEARNER_RATE=0`):
//! these learners click far faster than people, and the point there is
//! what survives a crash, not the throttle.
//!
//! Columns: interactions sent (each retry is one more), answered ok,
//! answered with an error ("try again", 503), no answer (killed
//! mid-request, or refused while down), lost (answered ok, missing in
//! Postgres: must be 0), duplicates (must be 0), torn (half-written: must be
//! 0), p99 and max latency of the answered ones, and the process's peak
//! memory (VmHWM; the largest of its incarnations).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use rand::Rng;
use serde_json::Value;
use sqlx::PgPool;
use tutorbot::content::Catalog;

use tutorbot_testkit::load::{self, check, Load, Script, Tally};
use tutorbot_testkit::process::{self, BotEnv, BotProcess};
use tutorbot_testkit::{fake_discord, fixtures};

struct Args {
    kills: usize,
    outages: usize,
    outage_secs: u64,
    seats: usize,
    burst: usize,
    demos: usize,
    /// Run only this one: crash, outage, one-learner, demos or burst.
    only: Option<String>,
}

fn parse_args() -> Args {
    let mut a = Args {
        kills: 10,
        outages: 2,
        outage_secs: 3,
        seats: 8,
        burst: 2000,
        demos: 300,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = || -> usize {
            it.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{arg} needs a whole number"))
        };
        match arg.as_str() {
            "--kills" => a.kills = num(),
            "--outages" => a.outages = num(),
            "--outage-secs" => a.outage_secs = num() as u64,
            "--seats" => a.seats = num(),
            "--burst" => a.burst = num(),
            "--demos" => a.demos = num(),
            "--only" => a.only = it.next(),
            // `cargo bench` passes --bench; ignore it and anything unknown.
            _ => {}
        }
    }
    a
}

// ---------------------------------------------------------------------------------------------
// A private Postgres cluster
// ---------------------------------------------------------------------------------------------

/// A throwaway Postgres server on its own port, stopped and removed on drop.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn create() -> Cluster {
        let bin = std::env::var("PG_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                    .expect("PostgreSQL's server binaries (set PG_BIN)")
                    .filter_map(|e| Some(e.ok()?.path().join("bin")))
                    .filter(|p| p.join("pg_ctl").exists())
                    .collect();
                found.sort();
                found.pop().expect("pg_ctl under /usr/lib/postgresql/*/bin")
            });
        let dir = std::env::temp_dir().join(format!("tutorbot-chaos-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let cluster = Cluster { bin, dir, port };
        if is_root() {
            let ok = Command::new("chown")
                .args(["postgres", cluster.dir.to_str().unwrap()])
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown postgres {}", cluster.dir.display());
        }
        cluster.run(
            "initdb",
            &[
                "-D",
                cluster.data().to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-N",
            ],
        );
        cluster.start();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Runs one of the server's programs, as `postgres` when we are root.
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = cmd.args(args).output().expect("the postgres programs run");
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    /// Stops it the hard way: no checkpoint, connections cut.
    fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let path = self.bin.join("pg_ctl");
        let data = self.data();
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let _ = cmd
            .args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

struct Row {
    run: String,
    sent: u64,
    ok: u64,
    error: u64,
    unanswered: u64,
    lost: u64,
    duplicates: u64,
    torn: usize,
    p99: Duration,
    max: Duration,
    peak: u64,
    /// Once per outage: (`pg_ctl start -w` until Postgres accepts
    /// connections, from then to the bot's first ok answer); empty for runs
    /// without an outage.
    recoveries: Vec<(Duration, Duration)>,
}

impl Row {
    async fn of(
        run: impl Into<String>,
        pool: &PgPool,
        script: &Script,
        t: &Tally,
        peak: u64,
    ) -> Row {
        let found = check(pool, script, t).await;
        for torn in found.torn.iter().take(5) {
            eprintln!("   torn: {torn}");
        }
        if t.unanswered > 0 {
            eprintln!("   {} without an answer, e.g. {:?}", t.unanswered, t.errors);
        }
        if t.unexpected > 0 {
            eprintln!(
                "   {} unexpected answers, e.g. {:?}",
                t.unexpected, t.samples
            );
        }
        Row {
            run: run.into(),
            sent: t.sent,
            ok: t.ok,
            error: t.failed + t.unexpected,
            unanswered: t.unanswered,
            lost: found.lost,
            duplicates: found.duplicates,
            torn: found.torn.len(),
            p99: t.latency(0.99),
            max: t.max_latency(),
            peak,
            recoveries: Vec::new(),
        }
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn print_table(rows: &[Row]) {
    println!("| run | sent | answered ok | answered with an error | no answer | lost | duplicates | torn | p99 | max | peak memory | recovery: Postgres up + first ok answer after |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} MiB | {} |",
            r.run,
            r.sent,
            r.ok,
            r.error,
            r.unanswered,
            r.lost,
            r.duplicates,
            r.torn,
            ms(r.p99),
            ms(r.max),
            r.peak as f64 / (1024.0 * 1024.0),
            if r.recoveries.is_empty() {
                "-".to_string()
            } else {
                r.recoveries
                    .iter()
                    .map(|(up, first)| format!("{} + **{}**", ms(*up), ms(*first)))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------------------------

/// Learner ids: each run takes its own range.
const LEARNERS: u64 = 1_700_000_000_000_000_000;

struct Bench {
    key: SigningKey,
    public: String,
    db_url: String,
    pool: PgPool,
    script: Script,
    /// What a learner is told when too many demos run.
    busy: String,
    notes: Vec<String>,
}

impl Bench {
    fn env(&self) -> BotEnv {
        BotEnv::http(&self.db_url, &self.public, "127.0.0.1:0")
    }

    fn load(&self, seats: usize, url: String, first: u64, pause_ms: u64) -> Load {
        Load::start(
            seats,
            self.key.clone(),
            self.script.clone(),
            url,
            first,
            Duration::from_millis(pause_ms),
        )
    }

    async fn crash(&mut self, kills: usize, seats: usize) -> Row {
        let mut env = self.env();
        env.set("LEARNER_RATE", "0");
        let mut bot = BotProcess::spawn(&env).await;
        env.set("HTTP_ADDR", &bot.addr());
        let load = self.load(seats, bot.url(), LEARNERS, 50);
        let mut peak = 0;
        let mut down = Duration::ZERO;
        for _ in 0..kills {
            let wait = rand::thread_rng().gen_range(300..1500);
            tokio::time::sleep(Duration::from_millis(wait)).await;
            peak = peak.max(bot.peak_memory());
            let killed = Instant::now();
            bot.kill().await;
            bot = BotProcess::spawn(&env).await;
            down += killed.elapsed();
            load.restarted(bot.url());
        }
        let before = load.ok();
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(load.ok() > before, "served after the last restart");
        peak = peak.max(bot.peak_memory());
        let tally = load.stop().await;
        let (status, _) = bot.terminate().await;
        assert!(status.success());
        self.notes.push(format!(
            "crash: {kills} SIGKILLs; from kill to listening again took {} on average; {} learners finished the whole script",
            ms(down / kills.max(1) as u32),
            tally.learners_done
        ));
        Row::of(
            format!("1. crash ({kills} × SIGKILL)"),
            &self.pool,
            &self.script,
            &tally,
            peak,
        )
        .await
    }

    async fn outage(&mut self, cluster: &Cluster, outages: usize, secs: u64, seats: usize) -> Row {
        let mut env = self.env();
        env.set("LEARNER_RATE", "0");
        let bot = BotProcess::spawn(&env).await;
        let load = self.load(seats, bot.url(), LEARNERS + 1_000_000, 50);
        let mut lessons_shown = 0;
        let mut recoveries = Vec::new();
        let mut told_to_retry = 0;
        for _ in 0..outages {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            cluster.stop();
            let failed = load.failed();
            tokio::time::sleep(Duration::from_millis(200)).await;
            let (status, lesson) = load::open_lesson(&self.key, &bot.url(), LEARNERS - 1).await;
            if status == 200 && lesson["data"]["embeds"][0]["title"].is_string() {
                lessons_shown += 1;
            }
            tokio::time::sleep(Duration::from_secs(secs)).await;
            let ok = load.ok();
            let started = Instant::now();
            cluster.start();
            let ready = Instant::now();
            load.ok_reaches(ok + 1).await;
            recoveries.push((ready - started, ready.elapsed()));
            told_to_retry += load.failed() - failed;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let peak = bot.peak_memory();
        let tally = load.stop().await;
        let (status, _) = bot.terminate().await;
        assert!(status.success());
        self.notes.push(format!(
            "outage: Postgres stopped {outages} × {secs} s with `pg_ctl stop -m immediate`; \
             /lesson async shown during {lessons_shown} of {outages} outages; {told_to_retry} clicks \
             answered \"couldn't save, try again\"; from `pg_ctl start` to the first ok answer: \
             {} (same process, no restart)",
            recoveries
                .iter()
                .map(|(up, first)| ms(*up + *first))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let mut row = Row::of(
            format!("2. outage ({outages} × {secs} s)"),
            &self.pool,
            &self.script,
            &tally,
            peak,
        )
        .await;
        row.recoveries = recoveries;
        row
    }

    async fn one_learner(&mut self) -> Row {
        let bot = BotProcess::spawn(&self.env()).await;
        let learner = LEARNERS + 2_000_000;
        let tally = load::hammer(
            self.key.clone(),
            bot.url(),
            self.script.clone(),
            learner,
            32,
            Duration::from_secs(5),
        )
        .await;
        let peak = bot.peak_memory();
        bot.terminate().await;
        self.notes.push(format!(
            "one learner: {} clicks in 5 s on 32 connections; {} were told to slow down, {} saved",
            tally.sent, tally.failed, tally.ok
        ));
        Row::of(
            "4. one learner, 32 connections",
            &self.pool,
            &self.script,
            &tally,
            peak,
        )
        .await
    }

    async fn demos(&mut self, learners: usize) -> Row {
        let fake = fake_discord::FakeDiscord::start().await;
        let mut env = BotEnv::http(&self.db_url, &fake.public_key_hex(), "127.0.0.1:0");
        env.set("DISCORD_API_BASE", &fake.api_base())
            .set("DISCORD_TOKEN", "chaos-token");
        let bot = BotProcess::spawn(&env).await;
        let first = LEARNERS + 3_000_000;
        let url = bot.url();
        let started = Instant::now();
        let sends = (0..learners as u64).map(|i| {
            let fake = &fake;
            let url = &url;
            async move {
                let origin = fixtures::Origin::guild(
                    fake.application_id(),
                    fixtures::snowflake(),
                    fixtures::interaction_token(),
                    first + i,
                    load::GUILD,
                    load::CHANNEL,
                );
                let payload = fixtures::slash_command(
                    &origin,
                    load::COMMAND_ID,
                    "demo",
                    vec![fixtures::opt_subcommand(
                        "gather",
                        vec![fixtures::opt_integer("n", 5)],
                    )],
                );
                let sent = Instant::now();
                let inline = fake.post_interaction(url, &payload).await;
                (origin.token, inline.status, inline.body, sent.elapsed())
            }
        });
        let answers = futures::future::join_all(sends).await;
        let mut tally = Tally {
            learners: (first, first + learners as u64 - 1),
            ..Tally::default()
        };
        for (_, status, body, latency) in &answers {
            tally.sent += 1;
            tally.latencies.push(*latency);
            if *status != 200 || body["type"] != 5 {
                tally.unexpected += 1;
                if tally.samples.len() < 5 {
                    tally.samples.push(format!("{status} {body}"));
                }
            }
        }
        // Each deferred answer ends in one final edit: the result, or a clear
        // refusal. Progress edits start with the hourglass.
        let busy = self.busy.clone();
        let deadline = Instant::now() + Duration::from_secs(30);
        let finals = loop {
            // The last edit the bot made of each answer that Discord took.
            let mut last: std::collections::HashMap<String, Value> = Default::default();
            for call in fake.calls() {
                if call.method == "PATCH" && call.succeeded() {
                    if let Some((token, _)) = answers
                        .iter()
                        .map(|(token, ..)| (token, ()))
                        .find(|(token, _)| call.is_original_edit(token))
                    {
                        last.insert(token.clone(), call.body.clone());
                    }
                }
            }
            let finals: Vec<Option<Value>> = answers
                .iter()
                .map(|(token, ..)| {
                    last.get(token)
                        .filter(|m| !m["content"].as_str().unwrap_or("").starts_with('⏳'))
                        .cloned()
                })
                .collect();
            if finals.iter().all(Option::is_some) || Instant::now() > deadline {
                break finals;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let all_done = started.elapsed();
        let (mut results, mut refused, mut missing) = (0, 0, 0);
        let mut shown: std::collections::BTreeMap<String, usize> = Default::default();
        for m in finals.iter().flatten() {
            if !m["embeds"].as_array().is_some_and(|e| !e.is_empty()) {
                let text = m["content"].as_str().unwrap_or("").to_string();
                *shown.entry(text).or_default() += 1;
            }
        }
        if !shown.is_empty() {
            eprintln!("   demo notices: {shown:?}");
        }
        let errors = fake.error_calls();
        if !errors.is_empty() {
            eprintln!(
                "   {} REST calls the fake Discord refused, e.g. {:?}",
                errors.len(),
                errors.first().map(|c| (&c.status, &c.path, &c.response))
            );
        }
        for m in &finals {
            match m {
                Some(m) if m["embeds"].as_array().is_some_and(|e| !e.is_empty()) => results += 1,
                Some(m) if m["content"].as_str() == Some(busy.as_str()) => refused += 1,
                Some(m) => {
                    tally.unexpected += 1;
                    if tally.samples.len() < 5 {
                        tally.samples.push(m.to_string());
                    }
                }
                None => missing += 1,
            }
        }
        tally.ok = results;
        tally.failed = refused;
        tally.unanswered = missing;
        let peak = bot.peak_memory();
        bot.terminate().await;
        // Every result shown is recorded with both times; nobody ran twice.
        let recorded: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM demo_runs WHERE learner_id BETWEEN $1 AND $2
             AND sequential_ms IS NOT NULL AND concurrent_ms IS NOT NULL",
        )
        .bind(first as i64)
        .bind((first + learners as u64) as i64)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        let twice: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT learner_id FROM demo_runs
             WHERE learner_id BETWEEN $1 AND $2 GROUP BY learner_id HAVING count(*) > 1) d",
        )
        .bind(first as i64)
        .bind((first + learners as u64) as i64)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        self.notes.push(format!(
            "demos: {learners} × `/demo gather 5` at once: every one deferred at once \
             (p99 {}), then {results} ran to their result and {refused} were told the \
             demos were busy; all final edits within {}",
            ms(tally.latency(0.99)),
            ms(all_done)
        ));
        Row {
            run: format!("4. {learners} demos at once"),
            sent: tally.sent,
            ok: tally.ok,
            error: tally.failed + tally.unexpected,
            unanswered: tally.unanswered,
            lost: results.saturating_sub(recorded as u64),
            duplicates: twice as u64,
            torn: 0,
            p99: tally.latency(0.99),
            max: tally.max_latency(),
            peak,
            recoveries: Vec::new(),
        }
    }

    async fn burst(&mut self, seats: usize) -> (Row, Row) {
        let bot = BotProcess::spawn(&self.env()).await;
        let others = self.load(4, bot.url(), LEARNERS + 4_000_000, 100);
        others.ok_reaches(20).await;
        let burst = self.load(seats, bot.url(), LEARNERS + 5_000_000, 100);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let burst = burst.stop().await;
        let stopped = Instant::now();
        let ok = others.ok();
        others.ok_reaches(ok + 20).await;
        let recovered = stopped.elapsed();
        let peak = bot.peak_memory();
        let others = others.stop().await;
        let (status, _) = bot.terminate().await;
        assert!(status.success());
        self.notes.push(format!(
            "burst: {seats} learners at once for 5 s: {} answers were 503 (shed at the door), \
             the rest served or told to slow down; after the burst the other learners had 20 \
             more ok answers within {}",
            burst.shed,
            ms(recovered)
        ));
        let burst_row = Row::of(
            format!("4. burst of {seats} learners, 5 s"),
            &self.pool,
            &self.script,
            &burst,
            peak,
        )
        .await;
        let others_row = Row::of(
            "4. … 4 other learners meanwhile",
            &self.pool,
            &self.script,
            &others,
            peak,
        )
        .await;
        (burst_row, others_row)
    }
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let started = Instant::now();
    eprintln!("== a private Postgres cluster");
    let cluster = Cluster::create();
    let db_url = cluster.url("tutorbot");
    let catalog = Catalog::load(&process::prompts_dir()).expect("the shipped content loads");
    let key = SigningKey::from_bytes(&rand::random());
    // The first process creates and migrates the database.
    let mut bench = {
        let public = hex::encode(key.verifying_key().to_bytes());
        let bot = BotProcess::spawn(&BotEnv::http(&db_url, &public, "127.0.0.1:0")).await;
        bot.terminate().await;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(&db_url)
            .await
            .expect("the private cluster answers");
        Bench {
            key,
            public,
            db_url,
            pool,
            script: Script::new(&catalog, "async", "python-setup"),
            busy: catalog.demo_texts.busy.as_str().to_string(),
            notes: Vec::new(),
        }
    };

    let mut rows = Vec::new();
    let run = |name: &str| args.only.as_deref().map_or(true, |only| only == name);
    if run("crash") {
        eprintln!("== 1. crash: {} kills, {} seats", args.kills, args.seats);
        rows.push(bench.crash(args.kills, args.seats).await);
    }
    if run("outage") {
        eprintln!("== 2. outage: {} × {} s", args.outages, args.outage_secs);
        rows.push(
            bench
                .outage(&cluster, args.outages, args.outage_secs, args.seats)
                .await,
        );
    }
    if run("one-learner") {
        eprintln!("== 4. floods: one learner");
        rows.push(bench.one_learner().await);
    }
    if run("demos") {
        eprintln!("== 4. floods: {} demos", args.demos);
        rows.push(bench.demos(args.demos).await);
    }
    if run("burst") {
        eprintln!("== 4. floods: a burst of {}", args.burst);
        let (burst, others) = bench.burst(args.burst).await;
        rows.push(burst);
        rows.push(others);
    }

    print_table(&rows);
    println!();
    for note in &bench.notes {
        println!("- {note}");
    }
    let bad: u64 = rows
        .iter()
        .map(|r| r.lost + r.duplicates + r.torn as u64)
        .sum();
    println!(
        "\n{} s in all; lost + duplicated + torn: {bad}",
        started.elapsed().as_secs()
    );
    bench.pool.close().await;
    drop(cluster);
    if bad > 0 {
        std::process::exit(1);
    }
}
