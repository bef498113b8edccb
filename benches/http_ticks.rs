//! Signed checklist ticks per second through `tutorbot http` into Postgres,
//! next to pgbench running the same upsert, in one run on this machine.
//!
//! ```text
//! cargo bench --bench http_ticks                         # 16 and 64 clients, 10 s each
//! cargo bench --bench http_ticks -- --secs 20 --clients 16,64
//! ```
//!
//! What it does, all on loopback:
//! 1. creates a throwaway database `tutorbot_bench_<pid>` on DATABASE_URL's
//!    server (dropped at the end, also on a panic);
//! 2. starts the release `tutorbot http` binary on it (default settings,
//!    `HTTP_ADDR=127.0.0.1:0`, a fresh Ed25519 key as DISCORD_PUBLIC_KEY);
//! 3. for each client count: that many concurrent clients (one learner each,
//!    keep-alive connections) POST component clicks on a real checklist
//!    message (the body Discord would send), signed like Discord signs them
//!    (timestamp ++ body; signed before the clock starts, as Discord signs on
//!    its own machines, so the load generator takes little of this one's
//!    CPU), each ticking then unticking one objective so that every request
//!    writes; after a 1 s warm-up, counts answers for `--secs` seconds and
//!    keeps every latency (send to full answer); checks every answer was a
//!    200 update in place and that the database ends exactly as each
//!    learner's last click said. Then the same with section buttons: the same
//!    HTTP path (signature, parsing, core, answer) with no database work at
//!    all; and the same section clicks against **the door's ceiling**, a bare
//!    axum endpoint (its own runtime, in this process) that only verifies the
//!    Ed25519 signature and answers fixed JSON: what the load generator, HTTP
//!    and the signature check cost on this machine, with no bot at all;
//! 4. then runs `pgbench -n -M prepared -c N -j 2 -T secs` with the statement
//!    of `Store::tick` (learner = client, ticked alternating 1/0 per
//!    client), with per-transaction logs for p50/p99;
//! 5. prints one table, with two ratios: no-DB clicks against the ceiling,
//!    and ticks against the combined limit `1 / (1/ceiling + 1/pgbench)`
//!    (what a door that cost nothing but the signature check would reach if
//!    it also had to wait for that upsert).

use tutorbot_testkit::fixtures;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tutorbot::content::Catalog;
use tutorbot::core::{Action, ButtonId};

const GUILD: u64 = 1_500_000_000_000_000_001;
const CHANNEL: u64 = 1_500_000_000_000_000_002;
const APP: u64 = 1_500_000_000_000_000_003;
const BOT: u64 = 1_500_000_000_000_000_004;
const FIRST_LEARNER: u64 = 1_500_000_000_000_100_000;

/// The statement `Store::tick` runs, with pgbench variables (a random
/// interaction id: the store records each one as handled).
const PGBENCH_SCRIPT: &str = r#"\set learner 1000000 + :client_id
\set tick 1 - :tick
\set interaction random(1, 9223372036854775806)
WITH handled AS (
    INSERT INTO handled_interactions (id) VALUES (:interaction)
    ON CONFLICT (id) DO NOTHING
    RETURNING id
),
learner AS (
    INSERT INTO learners (id) SELECT :learner FROM handled
    ON CONFLICT (id) DO NOTHING
),
mark AS (
    INSERT INTO checklist_marks (learner_id, lesson_id, objective_id, ticked)
    SELECT :learner, 'async', 'pgbench', :tick::boolean FROM handled
    ON CONFLICT (learner_id, lesson_id, objective_id)
    DO UPDATE SET ticked = EXCLUDED.ticked, updated_at = now()
    WHERE checklist_marks.ticked IS DISTINCT FROM EXCLUDED.ticked
)
SELECT
    EXISTS (SELECT 1 FROM handled) AS applied,
    ARRAY(
        SELECT objective_id FROM checklist_marks
        WHERE learner_id = :learner AND lesson_id = 'async' AND ticked
          AND NOT (objective_id = 'pgbench' AND EXISTS (SELECT 1 FROM handled))
        UNION
        SELECT 'pgbench'::text WHERE :tick::boolean AND EXISTS (SELECT 1 FROM handled)
        ORDER BY 1
    ) AS ticked;
"#;

struct Args {
    secs: u64,
    clients: Vec<usize>,
}

fn parse_args() -> Args {
    let mut a = Args {
        secs: 10,
        clients: vec![16, 64],
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--secs" => a.secs = val().parse().expect("--secs N"),
            "--clients" => {
                a.clients = val()
                    .split(',')
                    .map(|n| n.trim().parse().expect("--clients 16,64"))
                    .collect()
            }
            // `cargo bench` passes --bench; ignore it and anything unknown.
            _ => {}
        }
    }
    a
}

/// Drops the throwaway database when dropped (also on a panic).
struct Database {
    admin_url: String,
    name: String,
    url: String,
}

impl Database {
    fn create(server_url: &str) -> Database {
        let (server, _) = server_url
            .rsplit_once('/')
            .expect("DATABASE_URL ends with /database");
        let name = format!("tutorbot_bench_{}", std::process::id());
        let db = Database {
            admin_url: format!("{server}/postgres"),
            url: format!("{server}/{name}"),
            name,
        };
        db.psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db.name));
        db.psql(&format!("CREATE DATABASE {}", db.name));
        db
    }

    fn psql(&self, sql: &str) {
        let status = std::process::Command::new("psql")
            .args(["-q", "-v", "ON_ERROR_STOP=1", &self.admin_url, "-c", sql])
            .status()
            .expect("psql runs");
        assert!(status.success(), "psql -c {sql:?} failed");
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = std::process::Command::new("psql")
            .args([
                "-q",
                &self.admin_url,
                "-c",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .status();
    }
}

/// Settings passed on to `tutorbot http` when set in the bench's environment
/// (otherwise the server runs with its defaults).
const SERVER_SETTINGS: [&str; 2] = ["DATABASE_MAX_CONNECTIONS", "DATABASE_TIMEOUT_MS"];

/// The `tutorbot http` process.
struct Server {
    child: tokio::process::Child,
    url: String,
}

impl Server {
    async fn start(database_url: &str, public_key: &str) -> Server {
        let dir = std::env::temp_dir();
        // TUTORBOT_BIN: bench another build of the binary (to compare).
        let bin = std::env::var("TUTORBOT_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_tutorbot").to_string());
        let mut child = tokio::process::Command::new(bin)
            .arg("http")
            .current_dir(&dir)
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("PROMPTS_DIR", prompts_dir())
            .env("DISCORD_PUBLIC_KEY", public_key)
            .env("HTTP_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            // Each client is one learner clicking flat out: with the
            // per-learner throttle on, this would time its refusals.
            .env("LEARNER_RATE", "0")
            .envs(
                SERVER_SETTINGS
                    .iter()
                    .filter_map(|k| Some((*k, std::env::var(k).ok()?))),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("the tutorbot binary runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .expect("tutorbot http is ready within 60 s")
                .unwrap()
                .expect("tutorbot http exited before listening");
            if let Some(base) = line.strip_prefix("listening on ") {
                break base.trim().to_string();
            }
        };
        Server {
            child,
            url: format!("{base}/interactions"),
        }
    }

    async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        let status = self.child.wait().await.unwrap();
        assert!(status.success(), "tutorbot http exited with {status}");
    }
}

/// The door's ceiling: a bare axum endpoint that verifies the signature the
/// way `tutorbot http` does (serenity's `Verifier`) and answers fixed JSON,
/// on a multi-threaded runtime of its own in a thread of its own, as the bot
/// has in its process. Returns its `/interactions` URL.
fn spawn_ceiling(public_key: &str) -> String {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;

    let verifier = Arc::new(serenity::interactions_endpoint::Verifier::new(public_key));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the ceiling");
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let app = axum::Router::new().route(
                "/interactions",
                axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                    let verifier = Arc::clone(&verifier);
                    async move {
                        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
                        let (Some(signature), Some(timestamp)) = (
                            header("x-signature-ed25519"),
                            header("x-signature-timestamp"),
                        ) else {
                            return StatusCode::UNAUTHORIZED.into_response();
                        };
                        if verifier.verify(signature, timestamp, &body).is_err() {
                            return StatusCode::UNAUTHORIZED.into_response();
                        }
                        (
                            [("content-type", "application/json")],
                            r#"{"type":7,"data":{"content":"ok"}}"#,
                        )
                            .into_response()
                    }
                }),
            );
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    url
}

fn prompts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")
}

/// What a client clicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Click {
    /// A checklist tick (alternating tick and untick): one write.
    Tick,
    /// A section button: the same HTTP path with no database work at all
    /// (the door's and the load generator's own cost, for reference).
    Section,
}

/// Builds and signs clicks for one learner.
struct Clicker {
    click: Click,
    key: Arc<SigningKey>,
    learner: u64,
    lesson: String,
    version: String,
    objective: String,
    section: String,
    /// The checklist message the clicks are on (as Discord sends it).
    message: Value,
    ticked: bool,
}

impl Clicker {
    /// The next click (tick if unticked, else untick), signed now.
    fn next(&mut self) -> (Vec<u8>, String, String, bool) {
        self.ticked = !self.ticked;
        let action = match self.click {
            Click::Tick => Action::Tick {
                lesson: self.lesson.clone(),
                version: self.version.clone(),
                objective: self.objective.clone(),
                ticked: self.ticked,
            },
            Click::Section => Action::Section {
                lesson: self.lesson.clone(),
                version: self.version.clone(),
                section: self.section.clone(),
                page: 0,
            },
        };
        let custom_id = ButtonId::new(self.learner, action).encode();
        let origin = fixtures::Origin::guild(
            APP,
            fixtures::snowflake(),
            fixtures::interaction_token(),
            self.learner,
            GUILD,
            CHANNEL,
        );
        let payload = fixtures::button_click(&origin, &custom_id, self.message.clone());
        let body = serde_json::to_vec(&payload).unwrap();
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let signature = hex::encode(
            self.key
                .sign(&[timestamp.as_bytes(), &body].concat())
                .to_bytes(),
        );
        (body, signature, timestamp, self.ticked)
    }
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    (body, signature, timestamp): (Vec<u8>, String, String),
) -> (u16, Value) {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature-ed25519", signature)
        .header("x-signature-timestamp", timestamp)
        .body(body)
        .send()
        .await
        .expect("the door answers");
    let status = response.status().as_u16();
    let json = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, json)
}

#[derive(Default)]
struct Measured {
    count: usize,
    secs: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn percentiles(mut latencies: Vec<Duration>, secs: f64) -> Measured {
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    Measured {
        count: latencies.len(),
        secs,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

/// Requests signed ahead, per client: enough for this many ticks per second
/// overall (a client that runs out signs more on the fly).
const PRESIGNED_RATE: u64 = 24_000;

type Signed = (Vec<u8>, String, String, bool);

/// `clients` concurrent learners clicking for `secs` after a 1 s warm-up.
#[allow(clippy::too_many_arguments)]
async fn run_http(
    click: Click,
    url: &str,
    clients: usize,
    secs: u64,
    key: &Arc<SigningKey>,
    catalog: &Catalog,
    message: &Value,
    pool: &sqlx::PgPool,
    learner_base: u64,
) -> Measured {
    let lesson = catalog.lesson("async").expect("the async lesson");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    // Discord signs on its side: sign ahead, so that the load generator
    // takes as little of this machine's CPU as it can.
    let per_client = ((secs + 1) * PRESIGNED_RATE) as usize / clients + 16;
    let mut prepared = Vec::new();
    for c in 0..clients {
        let mut clicker = Clicker {
            key: Arc::clone(key),
            learner: learner_base + c as u64,
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            objective: lesson.objectives[c % lesson.objectives.len()].id.clone(),
            section: lesson.sections[c % lesson.sections.len()].id.clone(),
            click,
            message: message.clone(),
            ticked: false,
        };
        prepared.push(tokio::task::spawn_blocking(move || {
            let signed: Vec<Signed> = (0..per_client).map(|_| clicker.next()).collect();
            (clicker, signed)
        }));
    }
    let mut ready = Vec::new();
    for p in prepared {
        ready.push(p.await.unwrap());
    }
    let start = Instant::now();
    let warm_until = start + Duration::from_secs(1);
    let end = warm_until + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for (mut clicker, signed) in ready {
        let client = client.clone();
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(signed.len());
            let mut last = false;
            let mut signed = signed.into_iter();
            let mut ran_out = 0usize;
            while Instant::now() < end {
                let (body, signature, timestamp, ticked) = signed.next().unwrap_or_else(|| {
                    ran_out += 1;
                    clicker.next()
                });
                let sent = Instant::now();
                let (status, answer) = post(&client, &url, (body, signature, timestamp)).await;
                let took = sent.elapsed();
                assert_eq!(status, 200, "{answer}");
                assert_eq!(answer["type"], 7, "an update in place: {answer}");
                last = ticked;
                if sent >= warm_until && Instant::now() <= end {
                    latencies.push(took);
                }
            }
            if ran_out > 0 {
                eprintln!("  a client signed {ran_out} requests on the fly");
            }
            (clicker.learner, clicker.objective, last, latencies)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        let (learner, objective, last, latencies) = t.await.unwrap();
        if click == Click::Tick {
            let stored: bool = sqlx::query_scalar(
                "SELECT ticked FROM checklist_marks
                 WHERE learner_id = $1 AND lesson_id = 'async' AND objective_id = $2",
            )
            .bind(learner as i64)
            .bind(&objective)
            .fetch_one(pool)
            .await
            .unwrap();
            assert_eq!(
                stored, last,
                "learner {learner} ends as their last click said"
            );
        }
        all.extend(latencies);
    }
    percentiles(all, secs as f64)
}

/// pgbench with the same upsert; latencies from its per-transaction log.
fn run_pgbench(database_url: &str, clients: usize, secs: u64) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("tick.sql");
    std::fs::write(&script, PGBENCH_SCRIPT).unwrap();
    let prefix = dir.path().join("tx");
    let out = std::process::Command::new("pgbench")
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &secs.to_string(),
            "-D",
            "tick=0",
            "-l",
            &format!("--log-prefix={}", prefix.display()),
            "-f",
        ])
        .arg(&script)
        .arg(database_url)
        .output()
        .expect("pgbench runs (apt-get install postgresql-client)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pgbench failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tps: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output:\n{stdout}"));
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("tx")
        {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            // client_id transaction_no time(us) script_no time_epoch time_us
            if let Some(us) = line.split_whitespace().nth(2).and_then(|v| v.parse().ok()) {
                latencies.push(Duration::from_micros(us));
            }
        }
    }
    let mut m = percentiles(latencies, secs as f64);
    // pgbench's own rate (excludes connection time) rather than the log count.
    m.count = (tps * secs as f64).round() as usize;
    m
}

fn main() {
    let args = parse_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench(args));
}

async fn bench(args: Args) {
    let server_url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let pgbench = std::process::Command::new("pgbench")
        .arg("--version")
        .output()
        .expect("pgbench is installed (apt-get install postgresql-client)");
    let pgbench_version = String::from_utf8_lossy(&pgbench.stdout).trim().to_string();
    let db = Database::create(&server_url);
    let catalog = Catalog::load(&prompts_dir()).expect("the shipped content loads");

    let mut seed = [0u8; 32];
    seed.iter_mut()
        .zip(rand::random::<[u8; 32]>())
        .for_each(|(s, r)| *s = r);
    let key = Arc::new(SigningKey::from_bytes(&seed));
    let public_key = hex::encode(key.verifying_key().as_bytes());
    let server = Server::start(&db.url, &public_key).await;
    let ceiling_url = spawn_ceiling(&public_key);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(&db.url)
        .await
        .unwrap();

    // The message the clicks are on: a real checklist, as the door drew it.
    let message = {
        let lesson = catalog.lesson("async").unwrap();
        let mut clicker = Clicker {
            key: Arc::clone(&key),
            learner: FIRST_LEARNER - 1,
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            objective: lesson.objectives[0].id.clone(),
            section: lesson.sections[0].id.clone(),
            click: Click::Tick,
            message: fixtures::ephemeral_bot_message(
                APP,
                BOT,
                fixtures::snowflake(),
                CHANNEL,
                Some(GUILD),
                "",
                vec![],
            ),
            ticked: false,
        };
        let (body, signature, timestamp, _) = clicker.next();
        let (status, answer) = post(
            &reqwest::Client::new(),
            &server.url,
            (body, signature, timestamp),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        let mut m = clicker.message.clone();
        m["embeds"] = answer["data"]["embeds"].clone();
        m["components"] = answer["data"]["components"].clone();
        m
    };
    let body_bytes = serde_json::to_vec(&fixtures::button_click(
        &fixtures::Origin::guild(APP, 1, "t", 1, GUILD, CHANNEL),
        "tick",
        message.clone(),
    ))
    .unwrap()
    .len();

    let mut rows = Vec::new();
    for (i, &clients) in args.clients.iter().enumerate() {
        let learner_base = FIRST_LEARNER + (i as u64) * 10_000;
        eprintln!("tutorbot http, {clients} clients, {} s ...", args.secs);
        let http = run_http(
            Click::Tick,
            &server.url,
            clients,
            args.secs,
            &key,
            &catalog,
            &message,
            &pool,
            learner_base,
        )
        .await;
        eprintln!("tutorbot http, section clicks (no database), {clients} clients ...");
        let no_db = run_http(
            Click::Section,
            &server.url,
            clients,
            args.secs,
            &key,
            &catalog,
            &message,
            &pool,
            learner_base + 5_000,
        )
        .await;
        eprintln!("the door's ceiling (bare axum + signature check), {clients} clients ...");
        let ceiling = run_http(
            Click::Section,
            &ceiling_url,
            clients,
            args.secs,
            &key,
            &catalog,
            &message,
            &pool,
            learner_base + 7_000,
        )
        .await;
        eprintln!("pgbench, {clients} clients, {} s ...", args.secs);
        let url = db.url.clone();
        let secs = args.secs;
        let pg = tokio::task::spawn_blocking(move || run_pgbench(&url, clients, secs))
            .await
            .unwrap();
        rows.push((clients, http, pg, no_db, ceiling));
    }
    pool.close().await;
    server.stop().await;
    drop(db);

    println!();
    println!(
        "signed checklist ticks through `tutorbot http` into Postgres vs the same upsert in pgbench"
    );
    println!(
        "{} s per row after a 1 s warm-up; request body {body_bytes} bytes; {pgbench_version}; {} CPUs",
        args.secs,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!("| clients | ceiling clicks/s (p99 ms) | no-DB clicks/s (p99 ms) | no-DB / ceiling | tutorbot http ticks/s | p50 ms | p99 ms | pgbench upserts/s | p50 ms | p99 ms | combined limit/s | ticks / combined |");
    println!("|--------:|--------------------------:|------------------------:|----------------:|----------------------:|-------:|-------:|------------------:|-------:|-------:|-----------------:|-----------------:|");
    for (clients, http, pg, no_db, ceiling) in rows {
        let rate = |m: &Measured| m.count as f64 / m.secs;
        let (http_rate, pg_rate) = (rate(&http), rate(&pg));
        let (no_db_rate, ceiling_rate) = (rate(&no_db), rate(&ceiling));
        let combined = 1.0 / (1.0 / ceiling_rate + 1.0 / pg_rate);
        println!(
            "| {clients} | {ceiling_rate:.0} ({:.2}) | {no_db_rate:.0} ({:.2}) | {:.0}% | {http_rate:.0} | {:.2} | {:.2} | {pg_rate:.0} | {:.2} | {:.2} | {combined:.0} | {:.0}% |",
            ceiling.p99_ms,
            no_db.p99_ms,
            100.0 * no_db_rate / ceiling_rate,
            http.p50_ms,
            http.p99_ms,
            pg.p50_ms,
            pg.p99_ms,
            100.0 * http_rate / combined,
        );
    }
}
