//! The HTTP door (`POST /interactions`), end to end: a real HTTP client that
//! signs requests as Discord does (the fake Discord's key), the real axum
//! router, the core and a fresh Postgres database. Every flow is asserted on
//! the exact answer the bot gave (recorded by the fake as the interaction's
//! callback) and, for ticks, in Postgres.

use crate::support;

use support::{core_answer, id_with_prefix, marks, url_of};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use serenity::all::EditInteractionResponse;
use sqlx::PgPool;
use support::fake_discord::{FakeDiscord, InlineResponse, RecordedCall};
use support::fixtures::*;
use support::process::{BotEnv, BotProcess};
use tokio::task::JoinHandle;
use tutorbot::core::{Action, ButtonId, Core};
use tutorbot::demo::DemoService;
use tutorbot::doors::http::{HttpDoor, HttpOptions, MAX_BODY};
use tutorbot::doors::server::ServeLimits;
use tutorbot::metrics::{Kind, Rejection};
use tutorbot::settings::Settings;

const TOKEN: &str = "fake-bot-token";
pub(crate) const GUILD: u64 = 1_300_000_000_000_000_001;
pub(crate) const CHANNEL: u64 = 1_300_000_000_000_000_002;
pub(crate) const COMMAND_ID: u64 = 1_300_000_000_000_000_004;

/// The door on a loopback port, in this process (the hardening tests use
/// it too, under their own connection limits).
pub(crate) struct Door {
    pub(crate) fake: FakeDiscord,
    pub(crate) door: Arc<HttpDoor>,
    pub(crate) base: String,
    core: Core,
    server: JoinHandle<std::io::Result<()>>,
}

impl Drop for Door {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Door {
    pub(crate) async fn start(pool: PgPool) -> Door {
        Door::start_with(support::core(pool.clone()), pool).await
    }

    pub(crate) async fn start_with(bot_core: Core, pool: PgPool) -> Door {
        Door::start_tuned(bot_core, pool, |_| {}).await
    }

    /// The door with some of its options changed.
    async fn start_tuned(
        bot_core: Core,
        pool: PgPool,
        tune: impl FnOnce(&mut HttpOptions),
    ) -> Door {
        Door::start_limited(bot_core, pool, ServeLimits::default(), tune).await
    }

    /// The door with some of its options changed, under these connection limits.
    pub(crate) async fn start_limited(
        bot_core: Core,
        pool: PgPool,
        limits: ServeLimits,
        tune: impl FnOnce(&mut HttpOptions),
    ) -> Door {
        let fake = FakeDiscord::start().await;
        let mut options = HttpOptions::new(&fake.public_key_hex()).expect("the fake's key");
        options.api_base = Some(fake.api_base());
        options.token = Some(TOKEN.into());
        tune(&mut options);
        let door = Arc::new(HttpDoor::new(bot_core, options));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = support::serve_http_door(Arc::clone(&door), listener, limits);
        Door {
            fake,
            door,
            base,
            core: support::core(pool),
            server,
        }
    }

    fn url(&self) -> String {
        format!("{}/interactions", self.base)
    }

    /// Posts, signed, and returns the answer as the fake recorded it.
    pub(crate) async fn deliver(&self, payload: &Value) -> RecordedCall {
        deliver_to(&self.fake, &self.url(), payload).await
    }

    pub(crate) fn origin(&self, user: u64) -> Origin {
        Origin::guild(
            self.fake.application_id(),
            snowflake(),
            interaction_token(),
            user,
            GUILD,
            CHANNEL,
        )
    }
}

async fn deliver_to(fake: &FakeDiscord, url: &str, payload: &Value) -> RecordedCall {
    let answer = fake.post_interaction(url, payload).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let id: u64 = payload["id"].as_str().unwrap().parse().unwrap();
    let call = fake.wait_interaction_callback(id).await;
    assert!(call.inline);
    assert!(
        call.succeeded(),
        "Discord would refuse this answer: {}",
        call.response
    );
    assert_eq!(call.body, answer.body);
    call
}

async fn rows_written(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM learners) + (SELECT count(*) FROM checklist_marks)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A tick button's custom id, as the checklist view draws it.
fn tick_id(core: &Core, learner: u64, objective: usize, ticked: bool) -> String {
    let lesson = core.catalog.lesson("async").unwrap();
    ButtonId::new(
        learner,
        Action::Tick {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            objective: lesson.objectives[objective].id.clone(),
            ticked,
        },
    )
    .encode()
}

/// A click on a tick button of an ephemeral checklist message.
fn tick_click(door_app: u64, bot: u64, origin: &Origin, custom_id: &str) -> Value {
    let message = ephemeral_bot_message(
        door_app,
        bot,
        snowflake(),
        CHANNEL,
        Some(GUILD),
        "",
        vec![action_row(vec![button(custom_id, "1. objective", 2)])],
    );
    button_click(origin, custom_id, message)
}

#[sqlx::test]
async fn lesson_section_checklist_tick_autocomplete_and_progress(pool: PgPool) {
    let door = Door::start(pool.clone()).await;
    let lesson = door.core.catalog.lesson("async").unwrap().clone();
    let user = snowflake();

    // PING → PONG.
    let ping = door
        .fake
        .post_interaction(
            &door.url(),
            &ping(door.fake.application_id(), snowflake(), "ping-token"),
        )
        .await;
    assert_eq!(
        (ping.status, ping.body.clone()),
        (200, json!({ "type": 1 }))
    );

    // /lesson async: a new ephemeral message on the first section.
    let o = door.origin(user);
    let open = slash_command(
        &o,
        COMMAND_ID,
        "lesson",
        vec![opt_string("lesson", "async")],
    );
    let call = door.deliver(&open).await;
    assert_eq!(call.body, core_answer(&door.core, &open).await);
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
        door.fake.original_message(&o.token).unwrap(),
    );
    let call = door.deliver(&click).await;
    assert_eq!(call.body, core_answer(&door.core, &click).await);
    assert_eq!(call.callback_type(), Some(7));
    let title = call.message()["embeds"][0]["title"].as_str().unwrap();
    assert!(title.starts_with(&lesson.sections[1].title), "{title}");

    // The checklist, then a tick: saved in Postgres.
    let o3 = o2.next();
    let chk = id_with_prefix(call.message(), "chk:").remove(0);
    let click = button_click(&o3, &chk, door.fake.original_message(&o2.token).unwrap());
    let call = door.deliver(&click).await;
    assert_eq!(call.callback_type(), Some(7));
    let ticks = id_with_prefix(call.message(), "tick:");
    assert_eq!(ticks.len(), lesson.objectives.len());
    assert!(ticks.iter().all(|t| t.ends_with(":1")), "{ticks:?}");
    assert!(marks(&pool, user).await.is_empty());

    let o4 = o3.next();
    let click = button_click(
        &o4,
        &ticks[0],
        door.fake.original_message(&o3.token).unwrap(),
    );
    let call = door.deliver(&click).await;
    assert_eq!(call.callback_type(), Some(7));
    assert_eq!(
        marks(&pool, user).await,
        BTreeMap::from([(lesson.objectives[0].id.clone(), true)])
    );
    // The redrawn checklist: the first objective now unticks; the core
    // answers the same click the same way (a tick sets a state).
    assert!(id_with_prefix(call.message(), "tick:")[0].ends_with(":0"));
    assert_eq!(call.body, core_answer(&door.core, &click).await);

    // Autocomplete.
    let o5 = o4.next();
    let ac = autocomplete(
        &o5,
        COMMAND_ID,
        "lesson",
        vec![opt_focused("lesson", OPTION_STRING, "asy")],
    );
    let call = door.deliver(&ac).await;
    assert_eq!(call.callback_type(), Some(8));
    assert_eq!(call.body, core_answer(&door.core, &ac).await);
    assert!(
        call.body["data"]["choices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == "async"),
        "{}",
        call.body
    );

    // /progress.
    let o6 = o5.next();
    let progress = slash_command(&o6, COMMAND_ID, "progress", vec![]);
    let call = door.deliver(&progress).await;
    assert_eq!(call.callback_type(), Some(4));
    assert!(call.is_ephemeral());
    assert_eq!(call.body, core_answer(&door.core, &progress).await);

    door.fake.assert_no_error_calls();
    let m = door.door.metrics();
    assert_eq!(m.count(Kind::Ping, tutorbot::core::Outcome::Ok), 1);
    assert_eq!(m.count(Kind::Command, tutorbot::core::Outcome::Ok), 2);
    assert_eq!(m.count(Kind::Component, tutorbot::core::Outcome::Ok), 3);
    assert_eq!(m.count(Kind::Autocomplete, tutorbot::core::Outcome::Ok), 1);

    // /metrics and /healthz on the same server.
    let text = reqwest::get(format!("{}/metrics", door.base))
        .await
        .unwrap();
    assert_eq!(text.headers()["content-type"], "text/plain; version=0.0.4");
    let text = text.text().await.unwrap();
    assert!(
        text.contains("tutorbot_interactions_total{kind=\"component\",outcome=\"ok\"} 3"),
        "{text}"
    );
    assert!(
        text.contains("tutorbot_interaction_duration_seconds_count 7"),
        "{text}"
    );
    let health = reqwest::get(format!("{}/healthz", door.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.json::<Value>().await.unwrap(),
        json!({ "status": "ok", "database": "up" })
    );
}

#[sqlx::test]
async fn work_after_the_inline_answer_goes_through_rest_with_the_webhook_token(pool: PgPool) {
    let door = Door::start(pool).await;
    let o = door.origin(snowflake());
    let open = slash_command(&o, COMMAND_ID, "help", vec![]);
    door.deliver(&open).await;

    // No DISCORD_APPLICATION_ID was given: the door learned it from the
    // verified interaction, and the webhook path needs it.
    door.door
        .followup()
        .edit_original(&o.token, EditInteractionResponse::new().content("later"))
        .await
        .expect("edit through the fake's REST API");
    let edit = door.fake.wait_original_edit(&o.token).await;
    assert_eq!(edit.status, 200);
    assert_eq!(edit.segments()[1], door.fake.application_id().to_string());
    assert_eq!(edit.body["content"], "later");
    assert_eq!(
        door.fake.original_message(&o.token).unwrap()["content"],
        "later"
    );
    door.fake.assert_no_error_calls();
}

#[sqlx::test]
async fn a_demo_answers_inline_with_a_deferral_then_edits_through_rest(pool: PgPool) {
    let settings = Settings::from_lookup(|k| match k {
        "DEMO_DELAY_MS" => Some("20".into()),
        "DEMO_COOLDOWN_SECS" => Some("0".into()),
        _ => None,
    })
    .unwrap();
    let demos = DemoService::start(&settings.demo).await.unwrap();
    let door = Door::start_with(support::core(pool.clone()).with_demos(demos), pool).await;
    let o = door.origin(snowflake());
    let demo = slash_command(
        &o,
        COMMAND_ID,
        "demo",
        vec![opt_subcommand("gather", vec![opt_integer("n", 3)])],
    );
    let deferral = door.deliver(&demo).await;
    assert_eq!(deferral.callback_type(), Some(5));

    // The demo's edits come through REST, only after the inline deferral,
    // and the last one is the result.
    let result = door
        .fake
        .wait_for_call(|c| c.is_original_edit(&o.token) && c.body["embeds"][0]["title"].is_string())
        .await;
    assert_eq!(result.status, 200, "{}", result.response);
    door.door.followups().wait(|c| c.in_flight == 0).await;
    for edit in door
        .fake
        .calls()
        .iter()
        .filter(|c| c.is_original_edit(&o.token))
    {
        assert!(edit.index > deferral.index, "no edit before the deferral");
        assert_eq!(edit.status, 200, "{}", edit.response);
        assert_eq!(
            edit.authorization.as_deref(),
            Some(format!("Bot {TOKEN}").as_str())
        );
    }
    door.fake.assert_no_error_calls();
}

#[sqlx::test]
async fn a_demo_result_attaches_its_timeline_picture_and_the_embed_shows_it(pool: PgPool) {
    let settings = Settings::from_lookup(|k| match k {
        "DEMO_DELAY_MS" => Some("40".into()),
        "DEMO_COOLDOWN_SECS" => Some("0".into()),
        _ => None,
    })
    .unwrap();
    let demos = DemoService::start(&settings.demo).await.unwrap();
    let door = Door::start_with(support::core(pool.clone()).with_demos(demos), pool).await;
    let o = door.origin(snowflake());
    let demo = slash_command(
        &o,
        COMMAND_ID,
        "demo",
        vec![opt_subcommand("taskgroup", vec![opt_integer("n", 3)])],
    );
    assert_eq!(door.deliver(&demo).await.callback_type(), Some(5));

    let result = door
        .fake
        .wait_for_call(|c| c.is_original_edit(&o.token) && c.body["embeds"][0]["title"].is_string())
        .await;
    assert_eq!(result.status, 200, "{}", result.response);
    // One file, sent as a multipart part, and the embed shows it.
    assert_eq!(result.attachments.len(), 1, "{}", result.body);
    let file = &result.attachments[0];
    assert_eq!(file.filename, "demo.png");
    assert_eq!(
        result.body["embeds"][0]["image"]["url"], "attachment://demo.png",
        "{}",
        result.body
    );
    assert_eq!(result.body["attachments"][0]["filename"], "demo.png");
    // A PNG 800 pixels wide, well under 100 KB.
    assert!(file.size < 100_000, "{} bytes", file.size);
    let reader = png::Decoder::new(file.data.as_slice())
        .read_info()
        .expect("the attachment is a PNG");
    assert_eq!(reader.info().width, 800);
    assert!((150..600).contains(&reader.info().height));
    // The text timelines stay, for screen readers.
    let description = result.body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("#3│"), "{description}");
    // Discord kept it: the stored message has the file, with a CDN URL.
    let stored = &result.response["attachments"][0];
    assert_eq!(stored["filename"], "demo.png", "{}", result.response);
    door.fake.assert_no_error_calls();
}

/// POSTs raw bytes with exactly the headers given.
async fn post_with_headers(url: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the door answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[sqlx::test]
async fn refused_requests_get_the_right_status_and_write_nothing(pool: PgPool) {
    let door = Door::start(pool.clone()).await;
    let url = door.url();
    let user = snowflake();
    let o = door.origin(user);
    // A valid tick: had any of these reached the core, it would write.
    let payload = tick_click(
        door.fake.application_id(),
        door.fake.bot_user_id(),
        &o,
        &tick_id(&door.core, user, 0, true),
    );
    let body = serde_json::to_vec(&payload).unwrap();
    let ts = now().to_string();
    let signature = door.fake.sign(&ts, &body);

    let refused = |r: InlineResponse| (r.status, r.text);

    // A bad signature (one digit changed), a signature for another body.
    let mut bad = signature.clone().into_bytes();
    bad[0] = if bad[0] == b'0' { b'1' } else { b'0' };
    let bad = String::from_utf8(bad).unwrap();
    let r = door
        .fake
        .post_interaction_raw(&url, body.clone(), &bad, &ts)
        .await;
    assert_eq!(refused(r).0, 401);
    let other = door.fake.sign(&ts, b"{}");
    let r = door
        .fake
        .post_interaction_raw(&url, body.clone(), &other, &ts)
        .await;
    assert_eq!(refused(r).0, 401);
    // Not hex at all; empty.
    let r = door
        .fake
        .post_interaction_raw(&url, body.clone(), "zz", &ts)
        .await;
    assert_eq!(r.status, 401);

    // A missing header (either one).
    let (status, text) =
        post_with_headers(&url, body.clone(), &[("X-Signature-Timestamp", &ts)]).await;
    assert_eq!((status, text.as_str()), (401, "invalid request signature"));
    let (status, _) =
        post_with_headers(&url, body.clone(), &[("X-Signature-Ed25519", &signature)]).await;
    assert_eq!(status, 401);

    // A stale request, correctly signed, ten minutes old (and one from the
    // future).
    for skew in [-600i64, 600] {
        let old = (now() as i64 + skew).to_string();
        let sig = door.fake.sign(&old, &body);
        let r = door
            .fake
            .post_interaction_raw(&url, body.clone(), &sig, &old)
            .await;
        assert_eq!(
            (r.status, r.text.as_str()),
            (401, "stale request timestamp")
        );
    }

    // Malformed bodies, correctly signed.
    for junk in [
        b"{\"type\": 3, \"id\": ".to_vec(),
        b"{\"hello\": \"world\"}".to_vec(),
        b"".to_vec(),
        b"[1, 2, 3]".to_vec(),
    ] {
        let sig = door.fake.sign(&ts, &junk);
        let r = door.fake.post_interaction_raw(&url, junk, &sig, &ts).await;
        assert_eq!(r.status, 400, "{}", r.text);
    }

    // An oversized body, correctly signed (and a JSON interaction, padded).
    let mut big = payload.clone();
    big["message"]["content"] = json!("x".repeat(MAX_BODY));
    let big = serde_json::to_vec(&big).unwrap();
    let sig = door.fake.sign(&ts, &big);
    let r = door.fake.post_interaction_raw(&url, big, &sig, &ts).await;
    assert_eq!(r.status, 413, "{}", r.text);

    assert_eq!(rows_written(&pool).await, 0, "nothing reached the store");
    assert!(
        !door
            .fake
            .calls()
            .iter()
            .any(|c| c.is_interaction_callback(o.interaction_id)),
        "no answer was given"
    );
    let m = door.door.metrics();
    assert_eq!(m.rejections(Rejection::BadSignature), 5);
    assert_eq!(m.rejections(Rejection::Stale), 2);
    assert_eq!(m.rejections(Rejection::Malformed), 4);
    assert_eq!(m.rejections(Rejection::TooLarge), 1);
    assert_eq!(m.count(Kind::Component, tutorbot::core::Outcome::Ok), 0);

    // The very same request, untouched, is accepted: the refusals were
    // about what was changed.
    let r = door
        .fake
        .post_interaction_raw(&url, body, &signature, &ts)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        marks(&pool, user).await,
        BTreeMap::from([(
            door.core.catalog.lesson("async").unwrap().objectives[0]
                .id
                .clone(),
            true
        )])
    );
}

#[sqlx::test]
async fn the_same_interaction_delivered_twice_has_its_effect_once(pool: PgPool) {
    let door = Door::start(pool.clone()).await;
    let url = door.url();
    let user = snowflake();
    let objective = door.core.catalog.lesson("async").unwrap().objectives[0]
        .id
        .clone();
    let app = door.fake.application_id();
    let bot = door.fake.bot_user_id();

    let o = door.origin(user);
    let tick = tick_click(app, bot, &o, &tick_id(&door.core, user, 0, true));
    let body = serde_json::to_vec(&tick).unwrap();
    let ts = now().to_string();
    let signature = door.fake.sign(&ts, &body);
    let first = door
        .fake
        .post_interaction_raw(&url, body.clone(), &signature, &ts)
        .await;
    assert_eq!(first.status, 200);
    assert!(marks(&pool, user).await[&objective]);

    // The learner unticks; then the first tick arrives again, byte for byte
    // (a replay), and again re-signed (a retry): neither changes anything.
    let untick = tick_click(app, bot, &o.next(), &tick_id(&door.core, user, 0, false));
    door.deliver(&untick).await;
    assert!(!marks(&pool, user).await[&objective]);

    let replay = door
        .fake
        .post_interaction_raw(&url, body.clone(), &signature, &ts)
        .await;
    assert_eq!(
        (replay.status, replay.text.as_str()),
        (409, "interaction already received")
    );
    let resigned = door.fake.post_interaction(&url, &tick).await;
    assert_eq!(resigned.status, 409);
    assert!(!marks(&pool, user).await[&objective]);

    let answers = door
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.is_interaction_callback(o.interaction_id))
        .count();
    assert_eq!(answers, 1, "answered once");
    assert_eq!(door.door.metrics().rejections(Rejection::Replay), 2);
    door.fake.assert_no_error_calls();
}

/// A click on button `custom_id` of an ephemeral bot message (the review's
/// answer screen, or one a forger made up).
fn review_click(door: &Door, origin: &Origin, custom_id: &str) -> Value {
    tick_click(
        door.fake.application_id(),
        door.fake.bot_user_id(),
        origin,
        custom_id,
    )
}

#[sqlx::test]
async fn a_forged_review_rating_is_refused_and_a_real_one_saved_through_the_http_door(
    pool: PgPool,
) {
    let door = Door::start(pool.clone()).await;
    let user = snowflake();
    let lesson = door.core.catalog.lesson("async").unwrap().clone();
    let quiz = lesson.quiz.clone().unwrap();
    let question = &quiz.questions[0];
    // One card, due: as a quiz answer long ago would have left it.
    sqlx::query("INSERT INTO learners (id) VALUES ($1)")
        .bind(user as i64)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability,
             difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
         VALUES ($1, 'async', $2, now() - interval '1 day', 3, 5, 0, 3, 1, 0, 2,
                 now() - interval '4 days')",
    )
    .bind(user as i64)
    .bind(&question.id)
    .execute(&pool)
    .await
    .unwrap();
    let reviews = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM review_log")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let rate = |rating: u8| {
        ButtonId::new(
            user,
            Action::ReviewRate {
                lesson: lesson.id.clone(),
                version: quiz.version.clone(),
                question: 0,
                reps: 1,
                rating,
                scope: lesson.scope,
            },
        )
        .encode()
    };

    // "Easy" without an answer: the stale-button answer, nothing saved.
    let o = door.origin(user);
    let forged = door.deliver(&review_click(&door, &o, &rate(4))).await;
    assert!(
        support::text(forged.message()).contains("This question changed since I showed it"),
        "{}",
        forged.message()
    );
    assert_eq!(reviews().await, 0);

    // /review, the right choice, then Good: saved once.
    let o = o.next();
    let shown = door
        .deliver(&slash_command(&o, COMMAND_ID, "review", vec![]))
        .await;
    let right = question
        .choices
        .iter()
        .position(|c| c.id == question.answer)
        .unwrap();
    let choice = id_with_prefix(shown.message(), "ra:")
        .into_iter()
        .find(|id| id.ends_with(&format!(":{right}")))
        .unwrap_or_else(|| panic!("the right choice in {}", shown.message()));
    let o = o.next();
    let asked = door.deliver(&review_click(&door, &o, &choice)).await;
    assert_eq!(
        id_with_prefix(asked.message(), "rr:").len(),
        3,
        "Hard, Good, Easy"
    );
    let o = o.next();
    let rated = door.deliver(&review_click(&door, &o, &rate(3))).await;
    assert!(
        support::text(rated.message()).contains("Next review of this one"),
        "{}",
        rated.message()
    );
    assert_eq!(reviews().await, 1);
    let ratings: Vec<i16> = sqlx::query_scalar("SELECT rating FROM review_log")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(ratings, vec![3]);
    door.fake.assert_no_error_calls();
}

#[tokio::test]
async fn healthz_says_503_when_postgres_does_not_answer() {
    let fake = FakeDiscord::start().await;
    // A pool on a port where nothing listens.
    let dead = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(500))
        .connect_lazy("postgres://postgres@127.0.0.1:1/nowhere")
        .unwrap();
    let core = support::core(dead);
    let door = Arc::new(HttpDoor::new(
        core,
        HttpOptions::new(&fake.public_key_hex()).unwrap(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = support::serve_http_door(Arc::clone(&door), listener, ServeLimits::default());
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 503);
    assert_eq!(
        health.json::<Value>().await.unwrap(),
        json!({ "status": "unavailable", "database": "down" })
    );
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("tutorbot_database_errors_total 1"), "{text}");
    server.abort();
}

// ---------------------------------------------------------------------------------------------
// Two `tutorbot http` processes on one database
// ---------------------------------------------------------------------------------------------

/// `tutorbot http` on `database_url`, signed for and calling back to `fake`.
async fn spawn_door(database_url: &str, fake: &FakeDiscord) -> BotProcess {
    let mut env = BotEnv::http(database_url, &fake.public_key_hex(), "127.0.0.1:0");
    env.set("DISCORD_API_BASE", &fake.api_base())
        .set("DISCORD_TOKEN", TOKEN);
    BotProcess::spawn(&env).await
}

#[sqlx::test]
async fn two_processes_on_one_database_keep_one_learners_state_exact(pool: PgPool) {
    let url = url_of(&pool).await;
    let fake = FakeDiscord::start().await;
    let (a, b) = tokio::join!(spawn_door(&url, &fake), spawn_door(&url, &fake));
    let doors = [&a, &b];
    let core = support::core(pool.clone());
    let lesson = core.catalog.lesson("async").unwrap().clone();
    let user = snowflake();
    let origin = Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        user,
        GUILD,
        CHANNEL,
    );

    // Open the lesson on A, the checklist on B.
    let open = slash_command(
        &origin,
        COMMAND_ID,
        "lesson",
        vec![opt_string("lesson", "async")],
    );
    let call = deliver_to(&fake, &a.url(), &open).await;
    let chk = id_with_prefix(call.message(), "chk:").remove(0);
    let mut last = origin.next();
    let click = button_click(&last, &chk, fake.original_message(&origin.token).unwrap());
    let mut call = deliver_to(&fake, &b.url(), &click).await;

    // Tick and untick, alternating processes, always on the latest message.
    let mut expected: BTreeMap<String, bool> = BTreeMap::new();
    let n = lesson.objectives.len();
    let plan = [0, 1, 0, 2, 3 % n, 1, 0, 2, 0, 1, 3 % n, 2];
    for (step, objective) in plan.into_iter().enumerate() {
        let door = doors[step % 2];
        let button = id_with_prefix(call.message(), "tick:").remove(objective);
        let target = button.ends_with(":1");
        let was = expected.get(&lesson.objectives[objective].id).copied();
        assert_eq!(target, was != Some(true), "the button offers the change");
        let next = last.next();
        let click = button_click(&next, &button, fake.original_message(&last.token).unwrap());
        call = deliver_to(&fake, &door.url(), &click).await;
        expected.insert(lesson.objectives[objective].id.clone(), target);
        assert_eq!(marks(&pool, user).await, expected, "after step {step}");

        // Now and then Discord delivers the same click to the other process
        // too: it has no effect the first did not have.
        if step % 3 == 0 {
            let other = doors[(step + 1) % 2];
            let again = fake.post_interaction(&other.url(), &click).await;
            assert_eq!(again.status, 200);
            assert_eq!(marks(&pool, user).await, expected, "after a redelivery");
        }
        last = next;
    }

    // The last answer shows exactly the stored state.
    let shown = id_with_prefix(call.message(), "tick:");
    for (i, o) in lesson.objectives.iter().enumerate() {
        let ticked = expected.get(&o.id).copied().unwrap_or(false);
        assert_eq!(shown[i].ends_with(":0"), ticked, "objective {}", o.id);
    }
    let learners: i64 = sqlx::query_scalar("SELECT count(*) FROM learners")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(learners, 1);

    // Both answer /healthz (on their OPS_ADDR), and stop cleanly on SIGTERM.
    for door in doors {
        let health = reqwest::get(format!("{}/healthz", door.ops)).await.unwrap();
        assert_eq!(health.status(), 200);
    }
    for process in [a, b] {
        let (status, stderr) = process.terminate().await;
        assert!(status.success(), "exit {status}: {stderr}");
    }
}

#[tokio::test]
async fn http_refuses_to_start_without_a_valid_public_key() {
    let dir = tempfile::tempdir().unwrap();
    for key in [None, Some("not-a-key")] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tutorbot"));
        cmd.arg("http")
            .current_dir(dir.path())
            .env_clear()
            .env("PROMPTS_DIR", support::prompts_dir())
            // Never reached: the key is checked first.
            .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere");
        if let Some(key) = key {
            cmd.env("DISCORD_PUBLIC_KEY", key);
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("DISCORD_PUBLIC_KEY"), "{stderr}");
    }
}

/// Sends a raw HTTP/1.1 request head (and any start of a body) on a new
/// connection and leaves it open.
async fn raw_request(base: &str, head_and_body: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let addr = base.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head_and_body.as_bytes()).await.unwrap();
    stream
}

/// The status line of the answer on a raw connection (the door answers
/// every case here by itself; 10 s only bounds a broken test).
async fn status_line(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("the door answers")
        .unwrap();
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Issue 11's lockout: connections that send their headers and part of a
/// body, then stall, used to hold every in-flight slot. Now a slot is taken
/// only with the whole body in hand: signed requests keep being answered
/// while 300 bodies stall, each stalled body is answered 408 at the body
/// deadline, and a declared length over the limit is refused before any of
/// the body is read.
#[sqlx::test]
async fn stalled_bodies_hold_no_slot_and_are_answered_408(pool: PgPool) {
    let door = Door::start_tuned(support::core(pool.clone()), pool, |o| {
        o.max_in_flight = 4;
        o.body_deadline = Duration::from_millis(500);
    })
    .await;
    let head = "POST /interactions HTTP/1.1\r\nhost: tutorbot\r\n\
                content-type: application/json\r\ncontent-length: 100\r\n\r\n{\"type\":";
    let mut stalled = Vec::new();
    for _ in 0..300 {
        stalled.push(raw_request(&door.base, head).await);
    }
    for _ in 0..8 {
        let pong = door
            .fake
            .post_interaction(
                &door.url(),
                &ping(door.fake.application_id(), snowflake(), "ping-token"),
            )
            .await;
        assert_eq!(
            pong.status, 200,
            "answered while bodies stall: {}",
            pong.text
        );
    }
    for stream in &mut stalled {
        assert_eq!(status_line(stream).await, "HTTP/1.1 408 Request Timeout");
    }
    assert_eq!(door.door.metrics().rejections(Rejection::SlowBody), 300);
    assert_eq!(door.door.metrics().rejections(Rejection::Overloaded), 0);

    // Ten gigabytes announced, none sent: refused at once.
    let mut huge = raw_request(
        &door.base,
        "POST /interactions HTTP/1.1\r\nhost: tutorbot\r\ncontent-length: 10000000000\r\n\r\n",
    )
    .await;
    assert_eq!(
        status_line(&mut huge).await,
        "HTTP/1.1 413 Payload Too Large"
    );
    assert_eq!(door.door.metrics().rejections(Rejection::TooLarge), 1);
}

#[sqlx::test]
async fn run_opens_the_code_form_and_its_submit_defers_then_edits_in_the_verdict(pool: PgPool) {
    use tutorbot::lab::{LabHandle, LabQueue, LabStatus};
    let Some(sandbox) = crate::lab::sandbox().await else {
        return;
    };
    let lab = LabHandle::fixed(LabStatus::On(LabQueue::new(sandbox, 2, 4)));
    let door = Door::start_with(support::core(pool.clone()).with_lab(lab), pool).await;
    let o = door.origin(snowflake());

    // `/run` answers with the form: a paragraph for the code, one for input.
    let form = door
        .deliver(&slash_command(&o, COMMAND_ID, "run", vec![]))
        .await;
    assert_eq!(form.callback_type(), Some(9), "{}", form.body);
    assert_eq!(form.body["data"]["custom_id"], "lab:run");
    let inputs: Vec<&Value> = form.body["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["components"][0])
        .collect();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["custom_id"], "code");
    assert_eq!(inputs[0]["max_length"], 4000);
    assert_eq!(inputs[1]["required"], false);

    // The submit: a deferral at once, then the verdict through REST.
    let submit = o.next();
    let code = "name = input()\nprint(f'hello {name}')\nraise SystemExit(3)\n";
    let deferral = door
        .deliver(&modal_submit(
            &submit,
            "lab:run",
            &[("code", code), ("stdin", "ada\n")],
        ))
        .await;
    assert_eq!(deferral.callback_type(), Some(5));
    let verdict = door
        .fake
        .wait_for_call(|c| {
            c.is_original_edit(&submit.token) && c.body["embeds"][0]["title"].is_string()
        })
        .await;
    assert_eq!(verdict.status, 200, "{}", verdict.response);
    let description = verdict.body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("  1 | hello ada"), "{description}");
    assert!(description.contains("exited with 3"), "{description}");
    assert!(
        verdict.index > deferral.index,
        "no edit before the deferral"
    );
    let again = &verdict.body["components"][0]["components"][0];
    assert_eq!(again["custom_id"], "lab:run-again", "{}", verdict.body);
    door.door.followups().wait(|c| c.in_flight == 0).await;

    // "Run again" opens the form again.
    let message = verdict.response.clone();
    let reopened = door
        .deliver(&button_click(&o.next(), "lab:run-again", message))
        .await;
    assert_eq!(reopened.callback_type(), Some(9), "{}", reopened.body);
    door.fake.assert_no_error_calls();
}

#[sqlx::test]
async fn a_form_that_is_not_ours_is_refused_and_runs_nothing(pool: PgPool) {
    let door = Door::start(pool).await;
    let o = door.origin(snowflake());
    let answer = door
        .deliver(&modal_submit(&o, "someone-else", &[("code", "print(1)")]))
        .await;
    assert_eq!(answer.callback_type(), Some(4), "{}", answer.body);
    door.fake.assert_no_error_calls();
}

#[sqlx::test]
async fn a_run_with_long_output_shows_its_first_lines_and_attaches_the_whole_output(pool: PgPool) {
    use tutorbot::lab::{LabHandle, LabQueue, LabStatus};
    let Some(sandbox) = crate::lab::sandbox().await else {
        return;
    };
    let lab = LabHandle::fixed(LabStatus::On(LabQueue::new(sandbox, 2, 4)));
    let door = Door::start_with(support::core(pool.clone()).with_lab(lab), pool).await;
    let o = door.origin(snowflake());
    let code = "for i in range(200):\n    print(f'line {i}')\n";
    door.deliver(&modal_submit(&o, "lab:run", &[("code", code)]))
        .await;
    let verdict = door
        .fake
        .wait_for_call(|c| c.is_original_edit(&o.token) && c.body["embeds"][0]["title"].is_string())
        .await;
    assert_eq!(verdict.status, 200, "{}", verdict.response);
    let description = verdict.body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains(" 30 | line 29"), "{description}");
    assert!(!description.contains("line 30\n"), "{description}");
    assert!(description.contains("170 more lines"), "{description}");
    assert_eq!(verdict.attachments.len(), 1, "{}", verdict.body);
    assert_eq!(verdict.attachments[0].filename, "run.txt");
    let whole = String::from_utf8(verdict.attachments[0].data.clone()).unwrap();
    assert!(whole.contains(" 200 | line 199"), "{whole}");
    door.fake.assert_no_error_calls();
}
