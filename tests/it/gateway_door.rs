//! The gateway door, end to end: the real serenity 0.12.5 client connected to
//! the fake Discord on loopback, the core, and a fresh Postgres database.
//! Every flow is asserted on the exact call the bot made to the fake (and,
//! for ticks, in Postgres).

use crate::support;

use support::{core_answer, id_with_prefix, marks, url_of};

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use serenity::all::GatewayIntents;
use sqlx::PgPool;
use support::fake_discord::{FakeDiscord, RecordedCall};
use support::fixtures::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tutorbot::core::{commands, Core, Outcome};
use tutorbot::demo::DemoService;
use tutorbot::doors::gateway::{Gateway, GatewayOptions, Shards};
use tutorbot::metrics::{Kind, Rejection};
use tutorbot::settings::Settings;

const TOKEN: &str = "fake-bot-token";
const GUILD: u64 = 1_400_000_000_000_000_001;
const CHANNEL: u64 = 1_400_000_000_000_000_002;
const COMMAND_ID: u64 = 1_400_000_000_000_000_004;

fn options(fake: &FakeDiscord) -> GatewayOptions {
    GatewayOptions {
        api_base: Some(fake.api_base()),
        ops_addr: Some("127.0.0.1:0".parse().unwrap()),
        ..GatewayOptions::new(TOKEN.into())
    }
}

fn origin(fake: &FakeDiscord, user: u64) -> Origin {
    Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        user,
        GUILD,
        CHANNEL,
    )
}

/// Opens `/lesson async` for `user` through the gateway, ticks its first
/// objective, locks the learner's marks and sends the untick: it waits in
/// the core, in flight, until the returned lock is dropped. Also returns
/// the untick's origin.
async fn hold_an_untick(
    fake: &FakeDiscord,
    pool: &PgPool,
    gateway: &Gateway,
    user: u64,
) -> (sqlx::Transaction<'static, sqlx::Postgres>, Origin) {
    let o = origin(fake, user);
    let open = slash_command(
        &o,
        COMMAND_ID,
        "lesson",
        vec![opt_string("lesson", "async")],
    );
    let call = deliver(fake, &open).await;
    let chk = id_with_prefix(call.message(), "chk:").remove(0);
    let o2 = o.next();
    let click = button_click(&o2, &chk, fake.original_message(&o.token).unwrap());
    let call = deliver(fake, &click).await;
    let o3 = o2.next();
    let tick = id_with_prefix(call.message(), "tick:").remove(0);
    let click = button_click(&o3, &tick, fake.original_message(&o2.token).unwrap());
    let call = deliver(fake, &click).await;
    let first = support::catalog().lesson("async").unwrap().objectives[0]
        .id
        .clone();
    assert!(marks(pool, user).await[&first]);

    let mut lock = pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM checklist_marks WHERE learner_id = $1 FOR UPDATE")
        .bind(user as i64)
        .execute(&mut *lock)
        .await
        .unwrap();
    let o4 = o3.next();
    let untick = id_with_prefix(call.message(), "tick:").remove(0);
    assert!(untick.ends_with(":0"));
    let click = button_click(&o4, &untick, fake.original_message(&o3.token).unwrap());
    fake.dispatch_interaction(click).await;
    gateway.wait_in_flight(1).await;
    (lock, o4)
}

/// Dispatches on the gateway and returns the callback the bot made.
async fn deliver(fake: &FakeDiscord, payload: &Value) -> RecordedCall {
    fake.dispatch_interaction(payload.clone()).await;
    let id: u64 = payload["id"].as_str().unwrap().parse().unwrap();
    let call = fake.wait_interaction_callback(id).await;
    assert!(!call.inline);
    assert_eq!(call.status, 204, "{}", call.response);
    assert_eq!(
        call.authorization.as_deref(),
        Some(format!("Bot {TOKEN}").as_str())
    );
    call
}

#[sqlx::test]
async fn lesson_section_checklist_tick_autocomplete_and_progress(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let core = support::core(pool.clone());
    let gateway = Gateway::start(core.clone(), options(&fake)).await.unwrap();
    let identify = fake.wait_identified().await;
    assert_eq!(
        identify.intents(),
        GatewayIntents::empty(),
        "no intents at all"
    );
    assert_eq!(identify.shard(), [0, 1]);
    assert_eq!(identify.token, format!("Bot {TOKEN}"));

    let lesson = core.catalog.lesson("async").unwrap().clone();
    let user = snowflake();

    // /lesson async: a new ephemeral message on the first section.
    let o = origin(&fake, user);
    let open = slash_command(
        &o,
        COMMAND_ID,
        "lesson",
        vec![opt_string("lesson", "async")],
    );
    let call = deliver(&fake, &open).await;
    assert_eq!(call.body, core_answer(&core, &open).await);
    assert_eq!(call.callback_type(), Some(4));
    assert!(call.is_ephemeral());
    let pages = lesson.sections[0].pages().len();
    let title = if pages > 1 {
        format!("{} (1/{pages})", lesson.sections[0].title)
    } else {
        lesson.sections[0].title.clone()
    };
    assert_eq!(call.message()["embeds"][0]["title"], title.as_str());
    // "Jump to section…" holds a button id for every section.
    let sections: Vec<String> = call.message()["components"][0]["components"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sections.len(), lesson.sections.len());
    assert_eq!(id_with_prefix(call.message(), "chk:").len(), 1);

    // A pick in "Jump to section…" updates that message in place.
    let o2 = o.next();
    let menu = call.message()["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let click = select_choice(
        &o2,
        &menu,
        &[&sections[1]],
        fake.original_message(&o.token).unwrap(),
    );
    let call = deliver(&fake, &click).await;
    assert_eq!(call.body, core_answer(&core, &click).await);
    assert_eq!(call.callback_type(), Some(7));
    let title = call.message()["embeds"][0]["title"].as_str().unwrap();
    assert!(title.starts_with(&lesson.sections[1].title), "{title}");

    // The checklist, then a tick: saved in Postgres.
    let o3 = o2.next();
    let chk = id_with_prefix(call.message(), "chk:").remove(0);
    let click = button_click(&o3, &chk, fake.original_message(&o2.token).unwrap());
    let call = deliver(&fake, &click).await;
    assert_eq!(call.callback_type(), Some(7));
    assert_eq!(call.body, core_answer(&core, &click).await);
    let ticks = id_with_prefix(call.message(), "tick:");
    assert_eq!(ticks.len(), lesson.objectives.len());
    assert!(marks(&pool, user).await.is_empty());

    let o4 = o3.next();
    let click = button_click(&o4, &ticks[1], fake.original_message(&o3.token).unwrap());
    let call = deliver(&fake, &click).await;
    assert_eq!(call.callback_type(), Some(7));
    assert_eq!(
        marks(&pool, user).await,
        BTreeMap::from([(lesson.objectives[1].id.clone(), true)])
    );
    assert!(id_with_prefix(call.message(), "tick:")[1].ends_with(":0"));
    assert_eq!(call.body, core_answer(&core, &click).await);

    // Autocomplete.
    let o5 = o4.next();
    let ac = autocomplete(
        &o5,
        COMMAND_ID,
        "lesson",
        vec![opt_focused("lesson", OPTION_STRING, "asy")],
    );
    let call = deliver(&fake, &ac).await;
    assert_eq!(call.callback_type(), Some(8));
    assert_eq!(call.body, core_answer(&core, &ac).await);
    assert!(call.body["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["value"] == "async"));

    // /progress.
    let o6 = o5.next();
    let progress = slash_command(&o6, COMMAND_ID, "progress", vec![]);
    let call = deliver(&fake, &progress).await;
    assert_eq!(call.callback_type(), Some(4));
    assert!(call.is_ephemeral());
    assert_eq!(call.body, core_answer(&core, &progress).await);

    fake.assert_no_error_calls();
    let m = gateway.metrics();
    assert_eq!(m.count(Kind::Command, Outcome::Ok), 2);
    assert_eq!(m.count(Kind::Component, Outcome::Ok), 3);
    assert_eq!(m.count(Kind::Autocomplete, Outcome::Ok), 1);

    // /metrics and /healthz beside the gateway.
    let base = format!("http://{}", gateway.ops_addr().unwrap());
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("tutorbot_interactions_total{kind=\"command\",outcome=\"ok\"} 2"),
        "{text}"
    );
    assert!(text.contains("tutorbot_interaction_duration_seconds_count 6"));
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);

    gateway.shutdown().await.unwrap();
    fake.wait_all_disconnected().await;
}

#[sqlx::test]
async fn commands_are_registered_in_the_guild_on_start(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let core = support::core(pool);
    let mut opts = options(&fake);
    opts.register_guild = Some(GUILD);
    let gateway = Gateway::start(core.clone(), opts).await.unwrap();

    let put = fake.wait_command_overwrite().await;
    assert!(put.is_guild_command_overwrite(GUILD), "{}", put.path);
    assert_eq!(put.status, 200, "{}", put.response);
    assert_eq!(
        put.segments()[1],
        fake.application_id().to_string(),
        "the application id came with READY"
    );
    assert_eq!(put.body, serde_json::to_value(core.commands()).unwrap());
    assert_eq!(fake.commands(Some(GUILD)).len(), core.commands().len());
    assert!(fake.commands(None).is_empty(), "nothing global");

    gateway.shutdown().await.unwrap();
    let overwrites = fake
        .calls()
        .iter()
        .filter(|c| c.is_command_overwrite())
        .count();
    assert_eq!(overwrites, 1);
}

#[sqlx::test]
async fn a_shard_range_runs_exactly_those_shards(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let mut opts = options(&fake);
    // Shards 1 and 2 of 4: both ends included.
    opts.shards = Some(Shards::new(1, 2, 4).unwrap());
    let gateway = Gateway::start(support::core(pool), opts).await.unwrap();
    let identifies = fake.wait_identifies(2).await;
    let mut shards: Vec<[u32; 2]> = identifies.iter().map(|i| i.shard()).collect();
    shards.sort();
    assert_eq!(shards, vec![[1, 4], [2, 4]]);
    fake.wait_shard_ready(1).await;
    fake.wait_shard_ready(2).await;

    // An interaction from a guild on shard 2 reaches the bot.
    let guild = (1u64 << 22) * 2 + 4 * (1 << 22) * 1000;
    assert_eq!((guild >> 22) % 4, 2);
    let o = Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        snowflake(),
        guild,
        CHANNEL,
    );
    let help = slash_command(&o, COMMAND_ID, "help", vec![]);
    let dispatched = fake.dispatch_interaction(help.clone()).await;
    assert_eq!(dispatched.shard_id, 2);
    let call = fake.wait_interaction_callback(o.interaction_id).await;
    assert_eq!(call.status, 204);

    gateway.shutdown().await.unwrap();
    fake.wait_all_disconnected().await;
    assert_eq!(fake.identifies().len(), 2, "no other shard ever connected");
}

#[sqlx::test]
async fn the_same_interaction_delivered_twice_is_answered_and_applied_once(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let core = support::core(pool.clone());
    let gateway = Gateway::start(core.clone(), options(&fake)).await.unwrap();
    let lesson = core.catalog.lesson("async").unwrap().clone();
    let user = snowflake();

    let o = origin(&fake, user);
    let open = slash_command(
        &o,
        COMMAND_ID,
        "lesson",
        vec![opt_string("lesson", "async")],
    );
    let call = deliver(&fake, &open).await;
    let chk = id_with_prefix(call.message(), "chk:").remove(0);
    let o2 = o.next();
    let click = button_click(&o2, &chk, fake.original_message(&o.token).unwrap());
    let call = deliver(&fake, &click).await;
    let tick = id_with_prefix(call.message(), "tick:").remove(0);
    let o3 = o2.next();
    let click = button_click(&o3, &tick, fake.original_message(&o2.token).unwrap());
    deliver(&fake, &click).await;
    gateway.wait_handled(3).await;

    // Discord delivers the very same tick again (a resumed session replays it).
    fake.dispatch_interaction(click.clone()).await;
    gateway.wait_handled(4).await;
    let answers = fake
        .calls()
        .into_iter()
        .filter(|c| c.is_interaction_callback(o3.interaction_id))
        .count();
    assert_eq!(answers, 1, "answered once");
    assert_eq!(gateway.metrics().duplicates(), 1);
    assert_eq!(
        marks(&pool, user).await,
        BTreeMap::from([(lesson.objectives[0].id.clone(), true)])
    );
    fake.assert_no_error_calls();
    gateway.shutdown().await.unwrap();
}

#[sqlx::test]
async fn shutdown_lets_an_interaction_in_flight_finish(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let core = support::core(pool.clone());
    let gateway = Gateway::start(core.clone(), options(&fake)).await.unwrap();
    let lesson = core.catalog.lesson("async").unwrap().clone();
    let objective = lesson.objectives[0].id.clone();
    let user = snowflake();

    // Tick the first objective, then hold its row locked, so that the untick
    // that follows waits inside the core.
    let (lock, o4) = hold_an_untick(&fake, &pool, &gateway, user).await;

    // Shut down while it waits: the shards close, the interaction does not
    // get dropped, and the shutdown waits for it.
    let stopping = tokio::spawn(gateway.shutdown());
    fake.wait_all_disconnected().await;
    assert!(
        !stopping.is_finished(),
        "shutdown waits for the interaction"
    );
    assert!(!fake
        .calls()
        .iter()
        .any(|c| c.is_interaction_callback(o4.interaction_id)));

    lock.rollback().await.unwrap();
    stopping.await.unwrap().unwrap();
    let answer = fake
        .calls()
        .into_iter()
        .find(|c| c.is_interaction_callback(o4.interaction_id))
        .expect("answered before the shutdown finished");
    assert_eq!(answer.status, 204);
    assert_eq!(answer.callback_type(), Some(7));
    assert!(!marks(&pool, user).await[&objective]);
}

/// A core whose demos are quick: 20 ms a fetch, no cooldown.
async fn core_with_demos(pool: PgPool) -> Core {
    let settings = Settings::from_lookup(|k| match k {
        "DEMO_DELAY_MS" => Some("20".into()),
        "DEMO_COOLDOWN_SECS" => Some("0".into()),
        _ => None,
    })
    .unwrap();
    support::core(pool).with_demos(DemoService::start(&settings.demo).await.unwrap())
}

#[sqlx::test]
async fn a_demo_defers_then_edits_and_shutdown_waits_for_it(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let gateway = Gateway::start(core_with_demos(pool).await, options(&fake))
        .await
        .unwrap();
    let o = origin(&fake, snowflake());
    let demo = slash_command(
        &o,
        COMMAND_ID,
        "demo",
        vec![opt_subcommand("gather", vec![opt_integer("n", 3)])],
    );
    let deferral = deliver(&fake, &demo).await;
    assert_eq!(deferral.callback_type(), Some(5));

    // Stop at once: the demo still runs to its end and shows its result.
    gateway.shutdown().await.unwrap();
    let edits: Vec<RecordedCall> = fake
        .calls()
        .into_iter()
        .filter(|c| c.is_original_edit(&o.token))
        .collect();
    let last = edits.last().expect("the demo edited its message");
    assert!(
        last.body["embeds"][0]["title"].is_string(),
        "the result: {}",
        last.body
    );
    for edit in &edits {
        assert!(edit.index > deferral.index, "no edit before the deferral");
        assert_eq!(edit.status, 200, "{}", edit.response);
        assert_eq!(edit.segments()[1], fake.application_id().to_string());
    }
    fake.assert_no_error_calls();
}

// ---------------------------------------------------------------------------------------------
// The `tutorbot serve` and `tutorbot register` commands
// ---------------------------------------------------------------------------------------------

fn tutorbot(dir: &tempfile::TempDir, fake: &FakeDiscord) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_tutorbot"));
    cmd.current_dir(dir.path())
        .env_clear()
        .env("PROMPTS_DIR", support::prompts_dir())
        .env("DISCORD_API_BASE", fake.api_base())
        .env("DISCORD_TOKEN", TOKEN)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    cmd
}

#[sqlx::test]
async fn serve_registers_answers_and_stops_cleanly_on_sigterm(pool: PgPool) {
    let url = url_of(&pool).await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = tutorbot(&dir, &fake)
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .env("OPS_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // It prints where /healthz lives (OPS_ADDR) once it serves it.
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(base) = line.strip_prefix("ops on ") {
                return base.trim().to_string();
            }
        }
        panic!("tutorbot serve exited before listening");
    })
    .await
    .expect("ready within 60 s");

    let identify = fake.wait_identified().await;
    assert_eq!(identify.intents, 0);
    assert!(fake
        .wait_command_overwrite()
        .await
        .is_guild_command_overwrite(GUILD));

    let o = origin(&fake, snowflake());
    let open = slash_command(
        &o,
        COMMAND_ID,
        "lesson",
        vec![opt_string("lesson", "async")],
    );
    let call = deliver(&fake, &open).await;
    assert_eq!(call.callback_type(), Some(4));
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("tutorbot_interactions_total{kind=\"command\",outcome=\"ok\"} 1"));

    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("exits within 30 s of SIGTERM")
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fake.wait_all_disconnected().await;
    fake.assert_no_error_calls();
}

/// The issue as an operator met it: after serenity restarted a shard, SIGTERM
/// made `tutorbot serve` exit at once and drop its websocket unclosed.
#[sqlx::test]
async fn sigterm_after_a_shard_restart_closes_the_websocket_with_1000(pool: PgPool) {
    let url = url_of(&pool).await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let child = tutorbot(&dir, &fake)
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("OPS_ADDR", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    fake.wait_shard_ready(0).await;
    fake.invalidate_session(0, false).await;
    fake.wait_identifies(2).await;
    let again = fake.wait_shard_ready(0).await;

    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("exits within 30 s of SIGTERM")
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        fake.client_closes().contains(&(again.connection_id, 1000)),
        "close frames seen: {:?}",
        fake.client_closes()
    );
}

#[tokio::test]
async fn register_puts_the_commands_globally_or_in_a_guild() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    // The operator's DEMO_MAX_N (default 50) bounds /demo's n.
    let expected = serde_json::to_value(commands::with_demo_max(&support::catalog(), 50)).unwrap();

    let out = tutorbot(&dir, &fake)
        .args(["register", "--guild", &GUILD.to_string()])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("in guild {GUILD}")), "{stdout}");
    let put = fake.wait_command_overwrite().await;
    assert!(put.is_guild_command_overwrite(GUILD));
    assert_eq!(put.body, expected);

    let before = fake.call_count();
    let out = tutorbot(&dir, &fake)
        .args(["register", "--global"])
        // Given: no need to ask Discord for it.
        .env("DISCORD_APPLICATION_ID", fake.application_id().to_string())
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("globally"));
    let put = fake
        .wait_for_call_after(before, RecordedCall::is_command_overwrite)
        .await;
    assert!(put.is_global_command_overwrite());
    assert_eq!(put.body, expected);
    assert!(
        !fake.calls()[before..]
            .iter()
            .any(|c| c.path.contains("applications/@me")),
        "DISCORD_APPLICATION_ID was used"
    );
    fake.assert_no_error_calls();
}

#[tokio::test]
async fn serve_without_a_token_says_which_setting_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("PROMPTS_DIR", support::prompts_dir())
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: DISCORD_TOKEN is not set"),
        "{stderr}"
    );
}

/// Polls `probe` every 50 ms until it gives a value, for at most `within`:
/// for states the door reaches on its own clock (a shard judged down).
async fn poll_until<T, F, Fut>(what: &str, within: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `/healthz` status and body, and the `tutorbot_gateway_shards_connected` value.
async fn ops_state(base: &str) -> (u16, Value, Option<String>) {
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    let status = health.status().as_u16();
    let body: Value = health.json().await.unwrap();
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let gauge = text
        .lines()
        .find_map(|l| l.strip_prefix("tutorbot_gateway_shards_connected "))
        .map(str::to_owned);
    (status, body, gauge)
}

#[sqlx::test]
async fn past_the_in_flight_cap_a_learner_is_told_busy_at_once(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let core = support::core(pool.clone());
    let mut opts = options(&fake);
    opts.max_in_flight = 1;
    // The held interaction waits on a row lock, not on the deadline.
    opts.answer_deadline = Duration::from_secs(120);
    let gateway = Gateway::start(core.clone(), opts).await.unwrap();
    let user = snowflake();

    // A tick, then its row locked, so that the untick that follows holds
    // the only slot.
    let (lock, o4) = hold_an_untick(&fake, &pool, &gateway, user).await;

    // Another learner, past the cap: "busy", at once, while the slot is held.
    let other = origin(&fake, snowflake());
    let help = slash_command(&other, COMMAND_ID, "help", vec![]);
    let busy = deliver(&fake, &help).await;
    assert_eq!(busy.callback_type(), Some(4));
    assert!(busy.is_ephemeral());
    assert_eq!(busy.content(), Some(core.catalog.texts.busy.as_str()));
    // Autocomplete can only be answered with choices: none.
    let other2 = other.next();
    let ac = autocomplete(
        &other2,
        COMMAND_ID,
        "lesson",
        vec![opt_focused("lesson", OPTION_STRING, "asy")],
    );
    let call = deliver(&fake, &ac).await;
    assert_eq!(call.callback_type(), Some(8));
    assert_eq!(call.body["data"]["choices"], serde_json::json!([]));
    assert!(
        !fake
            .calls()
            .iter()
            .any(|c| c.is_interaction_callback(o4.interaction_id)),
        "the held interaction is still waiting"
    );
    assert_eq!(gateway.metrics().rejections(Rejection::Overloaded), 2);

    // The slot frees: the held untick is answered, and the next learner is
    // served by the core again.
    lock.rollback().await.unwrap();
    let answer = fake.wait_interaction_callback(o4.interaction_id).await;
    assert_eq!(answer.callback_type(), Some(7));
    gateway.wait_handled(6).await;
    let other3 = other2.next();
    let help = slash_command(&other3, COMMAND_ID, "help", vec![]);
    let call = deliver(&fake, &help).await;
    assert_eq!(call.body, core_answer(&core, &help).await);
    assert_eq!(gateway.metrics().rejections(Rejection::Overloaded), 2);
    fake.assert_no_error_calls();
    gateway.shutdown().await.unwrap();
}

#[sqlx::test]
async fn shutdown_after_a_shard_restart_still_closes_with_1000(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let gateway = Gateway::start(support::core(pool), options(&fake))
        .await
        .unwrap();
    fake.wait_shard_ready(0).await;

    // INVALID_SESSION (not resumable): serenity restarts the shard, which
    // leaves its stale "shutdown finished" notice behind.
    fake.invalidate_session(0, false).await;
    let identifies = fake.wait_identifies(2).await;
    let again = fake.wait_shard_ready(0).await;
    assert_eq!(again.connection_id, identifies[1].connection_id);
    assert_ne!(identifies[0].connection_id, identifies[1].connection_id);

    gateway.shutdown().await.unwrap();
    // By the time the shutdown returned, the live connection was closed
    // with 1000, not dropped.
    assert!(
        fake.client_closes().contains(&(again.connection_id, 1000)),
        "close frames seen: {:?}",
        fake.client_closes()
    );
    fake.wait_all_disconnected().await;
}

#[sqlx::test]
async fn healthz_names_a_shard_down_past_the_bound_and_metrics_count_shards(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let mut opts = options(&fake);
    opts.unhealthy_after = Duration::from_millis(300);
    let gateway = Gateway::start(support::core(pool), opts).await.unwrap();
    let base = format!("http://{}", gateway.ops_addr().unwrap());
    fake.wait_shard_ready(0).await;
    poll_until(
        "healthy, one shard connected",
        Duration::from_secs(20),
        || async {
            let (status, _, gauge) = ops_state(&base).await;
            (status == 200 && gauge.as_deref() == Some("1")).then_some(())
        },
    )
    .await;

    // The gateway goes away and stays away: past the bound, 503 naming the shard.
    fake.set_gateway_down(true);
    let body = poll_until("unhealthy", Duration::from_secs(30), || async {
        let (status, body, gauge) = ops_state(&base).await;
        (status == 503 && gauge.as_deref() == Some("0")).then_some(body)
    })
    .await;
    assert_eq!(body["status"], "unavailable", "{body:#}");
    assert_eq!(body["database"], "up", "{body:#}");
    assert_eq!(body["gateway"]["shards"][0]["shard"], 0, "{body:#}");
    assert_eq!(body["gateway"]["shards"][0]["connected"], false, "{body:#}");
    let unhealthy = body["gateway"]["unhealthy"][0].as_str().unwrap();
    assert!(unhealthy.starts_with("shard 0 disconnected"), "{body:#}");

    // Back: healthy again once the shard has reconnected.
    fake.set_gateway_down(false);
    poll_until("healthy again", Duration::from_secs(60), || async {
        let (status, _, gauge) = ops_state(&base).await;
        (status == 200 && gauge.as_deref() == Some("1")).then_some(())
    })
    .await;
    gateway.shutdown().await.unwrap();
    fake.wait_all_disconnected().await;
}
