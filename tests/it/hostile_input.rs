//! Hostile input: everything tutorbot reads from outside (interaction bodies,
//! button ids, command options, content files, signatures) takes generated
//! cases by the thousand without a panic; every refusal is a clean ephemeral
//! notice that keeps Discord's limits, and nothing is written to Postgres
//! unless the input was a valid flow.
//!
//! Fast by default (proptest's 256 cases a property); the standard
//! `PROPTEST_CASES` scales every property for the full run (`scripts/hostile`).
//! Each property prints one line,
//! `hostile: <property> cases=<n> parsed=<p> answered=<a> refused=<r> written=<w>`,
//! which the script adds up (run with `--nocapture` to see them).
//!
//! The properties that need a database run proptest's own runner on a
//! blocking thread and drive the core through the test runtime's handle, so
//! a failure still shrinks to a minimal input.

use crate::support;

use std::collections::BTreeMap;
use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use serenity::all::Interaction;
use serenity::interactions_endpoint::Verifier;
use sqlx::PgPool;
use support::fixtures::{self, Origin};
use tutorbot::content::Catalog;
use tutorbot::core::limits;
use tutorbot::core::{Action, ButtonId, Core, Outcome};
use tutorbot::demo::DemoService;
use tutorbot::settings::DemoSettings;

// ---------------------------------------------------------------------------
// Running properties and counting cases
// ---------------------------------------------------------------------------

/// What a property saw, printed for `scripts/hostile`.
#[derive(Default)]
struct Tally {
    cases: AtomicU64,
    parsed: AtomicU64,
    answered: AtomicU64,
    refused: AtomicU64,
    written: AtomicU64,
}

impl Tally {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn print(&self, name: &str) {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        println!(
            "hostile: {name} cases={} parsed={} answered={} refused={} written={}",
            get(&self.cases),
            get(&self.parsed),
            get(&self.answered),
            get(&self.refused),
            get(&self.written),
        );
    }
}

/// proptest's defaults (which honour `PROPTEST_CASES`), without writing
/// regression files into the source tree.
fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs a property with proptest's runner; a panic inside `test` is a
/// failure that shrinks like any other.
fn check<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value, &Tally) -> Result<(), TestCaseError>,
) {
    let tally = Tally::default();
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |value| {
        Tally::bump(&tally.cases);
        test(value, &tally)
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    tally.print(name);
}

/// Like [`check`] for properties that need the test's runtime (the core and
/// its database): the runner runs on a blocking thread and each case is
/// driven to completion through the runtime's handle.
async fn check_async<S, F, Fut>(
    name: &'static str,
    strategy: impl FnOnce() -> S + Send + 'static,
    test: F,
) where
    S: Strategy,
    F: Fn(S::Value, Arc<Tally>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), TestCaseError>>,
{
    let handle = tokio::runtime::Handle::current();
    let run = tokio::task::spawn_blocking(move || {
        let tally = Arc::new(Tally::default());
        let mut runner = TestRunner::new(config());
        let result = runner.run(&strategy(), |value| {
            Tally::bump(&tally.cases);
            handle.block_on(test(value, Arc::clone(&tally)))
        });
        if let Err(e) = result {
            panic!("{name}: {e}");
        }
        tally.print(name);
    });
    if let Err(e) = run.await {
        std::panic::resume_unwind(e.into_panic());
    }
}

// ---------------------------------------------------------------------------
// Discord's limits, checked on the JSON Discord would receive
// ---------------------------------------------------------------------------

/// Every limit Discord enforces on an interaction response (the one checker,
/// `tutorbot::core::limits`); the bot's own buttons must also parse back.
fn within_limits(response: &Value) -> Result<(), String> {
    let kind = response["type"].as_u64().ok_or("no response type")?;
    if ![1, 4, 5, 6, 7, 8].contains(&kind) {
        return Err(format!("unexpected response type {kind}"));
    }
    let broken = limits::check(response);
    if !broken.is_empty() {
        let broken: Vec<String> = broken.iter().map(ToString::to_string).collect();
        return Err(broken.join("; "));
    }
    let rows = response["data"]["components"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for row in rows {
        let items = row["components"].as_array().map_or(&[][..], Vec::as_slice);
        for b in items {
            b["custom_id"]
                .as_str()
                .ok_or("a component without custom_id")?;
            // A select menu's options are what is clicked: each value is a
            // button id. A greyed-out button cannot be clicked.
            let ids: Vec<&str> = match b["options"].as_array() {
                Some(options) => options.iter().filter_map(|o| o["value"].as_str()).collect(),
                None if b["disabled"] == true => Vec::new(),
                None => b["custom_id"].as_str().into_iter().collect(),
            };
            for id in ids {
                if ButtonId::parse(id).is_err() {
                    return Err(format!("the bot drew a button it cannot parse: {id:?}"));
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Serving one hostile interaction, and what it may write
// ---------------------------------------------------------------------------

const TABLES: &str = "(SELECT count(*) FROM learners) + (SELECT count(*) FROM checklist_marks) \
     + (SELECT count(*) FROM quiz_attempts) + (SELECT count(*) FROM quiz_answers) \
     + (SELECT count(*) FROM demo_runs) + (SELECT count(*) FROM review_cards) \
     + (SELECT count(*) FROM review_log) + (SELECT count(*) FROM reminders) \
     + (SELECT count(*) FROM exercise_attempts)";

/// Rows in every table a learner's input can reach.
async fn rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar(&format!("SELECT {TABLES}"))
        .fetch_one(pool)
        .await
        .expect("count rows")
}

async fn wipe(pool: &PgPool) {
    sqlx::query(
        "TRUNCATE learners, checklist_marks, quiz_attempts, quiz_answers, demo_runs, \
         review_cards, review_log, reminders, exercise_attempts",
    )
    .execute(pool)
    .await
    .expect("wipe");
}

/// Whether an interaction is a valid flow that writes on a fresh database:
/// `/quiz` of a lesson with a quiz, a tick on the clicker's own current
/// checklist, a "Take the quiz" button of the current quiz, or any `/demo`
/// on a core with an engine. Nothing else may write.
fn may_write(core: &Core, interaction: &Interaction) -> bool {
    let catalog = &core.catalog;
    match interaction {
        Interaction::Command(cmd) => match cmd.data.name.as_str() {
            "quiz" => match tutorbot::core::Request::parse(interaction, core.bounds()) {
                Ok(tutorbot::core::Request {
                    asked: tutorbot::core::Asked::Quiz(l),
                    ..
                }) => catalog.lesson(&l.lesson).is_some_and(|l| l.quiz.is_some()),
                _ => false,
            },
            "demo" => core.demos.is_some(),
            // A real time (and zone) switches a reminder on.
            "remind" => matches!(
                tutorbot::core::Request::parse(interaction, core.bounds()),
                Ok(tutorbot::core::Request {
                    asked: tutorbot::core::Asked::Remind(
                        tutorbot::core::request::RemindRequest::On { .. }
                    ),
                    ..
                })
            ),
            _ => false,
        },
        Interaction::Component(click) => {
            let Ok(b) = ButtonId::parse(&click.data.custom_id) else {
                return false;
            };
            match b.action {
                Action::Tick {
                    lesson,
                    version,
                    objective,
                    ..
                } => {
                    b.owner == click.user.id.get()
                        && catalog.lesson(&lesson).is_some_and(|l| {
                            l.version == version && l.objective(&objective).is_some()
                        })
                }
                Action::QuizStart { lesson, version } => catalog
                    .lesson(&lesson)
                    .and_then(|l| l.quiz.as_ref())
                    .is_some_and(|q| q.version == version),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Parses a body as the HTTP door does and, if it is an interaction, serves
/// it: no panic, an answer within Discord's limits, never "our failure" (the
/// database is healthy), a refusal that is an ephemeral notice, and no rows
/// unless the input was a valid flow (whose rows are then wiped).
async fn serve(
    core: &Core,
    pool: &PgPool,
    body: &[u8],
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let Ok(interaction) = serde_json::from_slice::<Interaction>(body) else {
        return Ok(());
    };
    Tally::bump(&tally.parsed);
    serve_interaction(core, pool, &interaction, tally).await
}

async fn serve_interaction(
    core: &Core,
    pool: &PgPool,
    interaction: &Interaction,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let may_write = may_write(core, interaction);
    let (followup, _edits) = support::recorder();
    let answer = core.handle(interaction, followup).await;
    Tally::bump(&tally.answered);
    let response = serde_json::to_value(&answer.response)
        .map_err(|e| TestCaseError::fail(format!("the answer does not serialize: {e}")))?;
    within_limits(&response).map_err(|e| TestCaseError::fail(format!("{e}: {response}")))?;
    prop_assert_ne!(answer.outcome, Outcome::Failed, "{}", response);
    if answer.outcome == Outcome::Refused {
        Tally::bump(&tally.refused);
        prop_assert!(
            support::is_ephemeral(&response),
            "a refusal is an ephemeral notice: {}",
            response
        );
    }
    let written = rows(pool).await;
    if written > 0 {
        // Wiped before judging, so that shrinking starts from a clean slate.
        wipe(pool).await;
        prop_assert!(
            may_write && answer.outcome == Outcome::Ok,
            "{written} rows written by {:?} ({:?}): {}",
            interaction.kind(),
            answer.outcome,
            response
        );
        Tally::bump(&tally.written);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// The learner who clicks in the click properties.
const CLICKER: u64 = 424_242_424_242;
const APP: u64 = 1_000_000_000_000_000_001;
const GUILD: u64 = 1_000_000_000_000_000_003;
const CHANNEL: u64 = 1_000_000_000_000_000_004;

fn origin(user: u64, guild: bool) -> Origin {
    if guild {
        Origin::guild(APP, 2_000_000_000_000_000_001, "tok", user, GUILD, CHANNEL)
    } else {
        Origin::dm(APP, 2_000_000_000_000_000_001, "tok", user, CHANNEL)
    }
}

fn message() -> Value {
    fixtures::ephemeral_bot_message(
        APP,
        APP,
        3_000_000_000_000_000_001,
        CHANNEL,
        None,
        "",
        vec![],
    )
}

fn click_body(user: u64, custom_id: &str) -> Value {
    fixtures::button_click(&origin(user, false), custom_id, message())
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,24}"
}

fn version() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}"
}

/// Every action, with fields anywhere in their valid ranges.
fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (ident(), version(), ident(), any::<u8>()).prop_map(|(lesson, version, section, page)| {
            Action::Section {
                lesson,
                version,
                section,
                page,
            }
        }),
        ident().prop_map(|lesson| Action::Exercises { lesson }),
        (ident(), version()).prop_map(|(lesson, version)| Action::QuizTickAll { lesson, version }),
        (ident(), version()).prop_map(|(lesson, version)| Action::Checklist { lesson, version }),
        (ident(), version(), ident(), any::<bool>()).prop_map(
            |(lesson, version, objective, ticked)| Action::Tick {
                lesson,
                version,
                objective,
                ticked
            }
        ),
        (ident(), version()).prop_map(|(lesson, version)| Action::QuizStart { lesson, version }),
        (1..=i64::MAX, version(), any::<u8>(), any::<u8>()).prop_map(
            |(attempt, version, question, choice)| Action::QuizAnswer {
                attempt,
                version,
                question,
                choice
            }
        ),
        (1..=i64::MAX, version())
            .prop_map(|(attempt, version)| Action::QuizNext { attempt, version }),
        (ident(), version(), ident()).prop_map(|(lesson, version, objective)| Action::QuizTick {
            lesson,
            version,
            objective
        }),
        Just(Action::ForgetConfirm),
        Just(Action::ForgetCancel),
    ]
}

fn button_id() -> impl Strategy<Value = ButtonId> {
    (1..=u64::MAX, action()).prop_map(|(owner, action)| ButtonId::new(owner, action))
}

/// Button ids the shipped content really draws, for `owner`: the ones a
/// hostile client starts from.
fn real_ids(catalog: &Catalog, owner: u64) -> Vec<String> {
    let mut out = vec![
        ButtonId::new(owner, Action::ForgetConfirm).encode(),
        ButtonId::new(owner, Action::ForgetCancel).encode(),
    ];
    for l in catalog.lessons() {
        let (lesson, version) = (l.id.clone(), l.version.clone());
        let mut actions = vec![Action::Checklist {
            lesson: lesson.clone(),
            version: version.clone(),
        }];
        for s in &l.sections {
            for page in 0..s.pages().len() {
                actions.push(Action::Section {
                    lesson: lesson.clone(),
                    version: version.clone(),
                    section: s.id.clone(),
                    page: page as u8,
                });
            }
        }
        for o in &l.objectives {
            for ticked in [true, false] {
                actions.push(Action::Tick {
                    lesson: lesson.clone(),
                    version: version.clone(),
                    objective: o.id.clone(),
                    ticked,
                });
            }
            actions.push(Action::QuizTick {
                lesson: lesson.clone(),
                version: version.clone(),
                objective: o.id.clone(),
            });
        }
        if let Some(q) = &l.quiz {
            actions.push(Action::QuizStart {
                lesson: lesson.clone(),
                version: q.version.clone(),
            });
            actions.push(Action::QuizAnswer {
                attempt: 1,
                version: q.version.clone(),
                question: 0,
                choice: 1,
            });
            actions.push(Action::QuizNext {
                attempt: 1,
                version: q.version.clone(),
            });
        }
        out.extend(
            actions
                .into_iter()
                .map(|a| ButtonId::new(owner, a).encode()),
        );
    }
    out
}

/// A field a forger might put between the colons.
fn hostile_field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "0",
            "00",
            "01",
            "+1",
            "-1",
            " 1",
            "1 ",
            "255",
            "256",
            "4294967296",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "1e3",
            "0x10",
            "١٢٣",
            "１",
            "async",
            "ASYNC",
            "python-setup",
            "0123abcd",
            "0123ABCD",
            "0123abc",
            "0123abcde",
            "sec",
            "chk",
            "tick",
            "qs",
            "qa",
            "qn",
            "qt",
            "fy",
            "fn",
            "é",
            "\u{0}",
            "\u{200b}",
            "a:b",
            "%3A",
            "../",
            "🦀",
        ])
        .prop_map(str::to_string),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[a-z0-9-]{0,30}",
        ".{0,6}",
    ]
}

/// One edit to a button id.
#[derive(Debug, Clone)]
enum IdEdit {
    ReplaceChar(Index, char),
    InsertChar(Index, char),
    DeleteChar(Index),
    FlipByte(Index, u8),
    SwapFields(Index, Index),
    DuplicateField(Index),
    DropField(Index),
    SetField(Index, String),
    Truncate(Index),
    Append(String),
}

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            ':', '0', '1', '9', 'a', 'f', 'g', 'A', '+', '-', ' ', '\u{0}', 'é', '🦀'
        ]),
        any::<char>(),
    ]
}

fn id_edit() -> impl Strategy<Value = IdEdit> {
    prop_oneof![
        (any::<Index>(), hostile_char()).prop_map(|(i, c)| IdEdit::ReplaceChar(i, c)),
        (any::<Index>(), hostile_char()).prop_map(|(i, c)| IdEdit::InsertChar(i, c)),
        any::<Index>().prop_map(IdEdit::DeleteChar),
        (any::<Index>(), 1..=u8::MAX).prop_map(|(i, x)| IdEdit::FlipByte(i, x)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| IdEdit::SwapFields(a, b)),
        any::<Index>().prop_map(IdEdit::DuplicateField),
        any::<Index>().prop_map(IdEdit::DropField),
        (any::<Index>(), hostile_field()).prop_map(|(i, f)| IdEdit::SetField(i, f)),
        any::<Index>().prop_map(IdEdit::Truncate),
        prop_oneof![hostile_field(), "(:[0-9]{1,25}){1,3}", "x{90,200}"].prop_map(IdEdit::Append),
    ]
}

fn apply_id_edit(id: &str, edit: &IdEdit) -> String {
    let mut chars: Vec<char> = id.chars().collect();
    let mut fields: Vec<String> = id.split(':').map(str::to_string).collect();
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len) };
    match edit {
        IdEdit::ReplaceChar(i, c) if !chars.is_empty() => {
            let i = at(i, chars.len());
            chars[i] = *c;
        }
        IdEdit::InsertChar(i, c) => {
            let i = at(i, chars.len() + 1);
            chars.insert(i, *c);
        }
        IdEdit::DeleteChar(i) if !chars.is_empty() => {
            chars.remove(at(i, chars.len()));
        }
        IdEdit::FlipByte(i, x) => {
            let mut bytes = id.as_bytes().to_vec();
            if !bytes.is_empty() {
                let i = at(i, bytes.len());
                bytes[i] ^= x;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        IdEdit::SwapFields(a, b) => {
            let (a, b) = (at(a, fields.len()), at(b, fields.len()));
            fields.swap(a, b);
            return fields.join(":");
        }
        IdEdit::DuplicateField(i) => {
            let i = at(i, fields.len());
            let f = fields[i].clone();
            fields.insert(i, f);
            return fields.join(":");
        }
        IdEdit::DropField(i) if fields.len() > 1 => {
            fields.remove(at(i, fields.len()));
            return fields.join(":");
        }
        IdEdit::SetField(i, f) => {
            let i = at(i, fields.len());
            fields[i] = f.clone();
            return fields.join(":");
        }
        IdEdit::Truncate(i) => chars.truncate(at(i, chars.len() + 1)),
        IdEdit::Append(s) => return format!("{id}{s}"),
        _ => {}
    }
    chars.into_iter().collect()
}

/// A valid id (random, or one the shipped content draws) with 0–4 edits.
fn mutated_id(base: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (base, prop::collection::vec(id_edit(), 0..5))
        .prop_map(|(id, edits)| edits.iter().fold(id, |id, e| apply_id_edit(&id, e)))
}

/// Strings shaped like button ids: a verb, colons, hostile fields.
fn id_shaped() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "sec", "chk", "tick", "qs", "qa", "qn", "qt", "fy", "fn", "zz", "",
        ]),
        prop::collection::vec(hostile_field(), 0..7),
    )
        .prop_map(|(verb, fields)| {
            let mut s = verb.to_string();
            for f in fields {
                s.push(':');
                s.push_str(&f);
            }
            s
        })
}

/// Any custom_id a hostile client could send.
fn hostile_custom_id(catalog: &Catalog) -> impl Strategy<Value = String> {
    let mut owners = real_ids(catalog, CLICKER);
    owners.extend(real_ids(catalog, CLICKER + 1));
    prop_oneof![
        2 => any::<String>(),
        2 => "[a-z0-9:+-]{0,110}",
        3 => id_shaped(),
        3 => mutated_id(button_id().prop_map(|b| b.encode())),
        6 => mutated_id(prop::sample::select(owners)),
    ]
}

/// A JSON value of any shape, with keys an interaction uses.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
        "[0-9]{1,21}".prop_map(Value::String),
        prop::sample::select(vec![
            "1", "2", "3", "4", "5", "0", "-1", "lesson", "async", "en-US"
        ])
        .prop_map(Value::from),
    ];
    let key = prop_oneof![
        3 => prop::sample::select(vec![
            "id", "application_id", "type", "data", "token", "version", "user", "member",
            "guild_id", "channel_id", "channel", "locale", "entitlements", "message",
            "custom_id", "component_type", "name", "options", "value", "focused", "resolved",
            "permissions", "app_permissions", "attachment_size_limit", "context",
            "authorizing_integration_owners", "username", "discriminator", "values",
        ])
        .prop_map(str::to_string),
        1 => ".{0,8}",
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|m: BTreeMap<String, Value>| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One edit to a JSON payload, at a path chosen by indexes.
#[derive(Debug, Clone)]
enum JsonEdit {
    Remove(Vec<Index>),
    Set(Vec<Index>, Value),
    Huge(Vec<Index>, usize),
    Nest(Vec<Index>, usize),
    Number(Vec<Index>, Value),
}

fn path() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 1..6)
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        3 => path().prop_map(JsonEdit::Remove),
        3 => (path(), json_value()).prop_map(|(p, v)| JsonEdit::Set(p, v)),
        1 => (path(), 1000..100_000usize).prop_map(|(p, n)| JsonEdit::Huge(p, n)),
        1 => (path(), 1..300usize).prop_map(|(p, n)| JsonEdit::Nest(p, n)),
        2 => (
            path(),
            prop::sample::select(vec![
                json!(0), json!(-1), json!(u64::MAX), json!(i64::MIN), json!(1e308),
                json!(-0.0), json!("0"), json!("18446744073709551616"), json!(""),
            ])
        )
            .prop_map(|(p, v)| JsonEdit::Number(p, v)),
    ]
}

/// The value at a path (stopping early at a leaf or an empty container).
fn at_path<'a>(v: &'a mut Value, path: &[Index]) -> &'a mut Value {
    let Some((first, rest)) = path.split_first() else {
        return v;
    };
    let empty = match &*v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => true,
    };
    if empty {
        return v;
    }
    match v {
        Value::Object(m) => {
            let i = first.index(m.len());
            let key = m.keys().nth(i).cloned().expect("in range");
            at_path(m.get_mut(&key).expect("present"), rest)
        }
        Value::Array(a) => {
            let i = first.index(a.len());
            at_path(&mut a[i], rest)
        }
        other => other,
    }
}

fn remove_at(v: &mut Value, path: &[Index]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let key = m
                .keys()
                .nth(first.index(m.len()))
                .cloned()
                .expect("in range");
            if rest.is_empty() || !m[&key].is_object() && !m[&key].is_array() {
                m.remove(&key);
            } else {
                remove_at(m.get_mut(&key).expect("present"), rest);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = first.index(a.len());
            if rest.is_empty() || !a[i].is_object() && !a[i].is_array() {
                a.remove(i);
            } else {
                remove_at(&mut a[i], rest);
            }
        }
        _ => {}
    }
}

fn apply_json_edit(v: &mut Value, edit: &JsonEdit) {
    match edit {
        JsonEdit::Remove(p) => remove_at(v, p),
        JsonEdit::Set(p, new) | JsonEdit::Number(p, new) => *at_path(v, p) = new.clone(),
        JsonEdit::Huge(p, n) => *at_path(v, p) = Value::String("é".repeat(*n)),
        JsonEdit::Nest(p, depth) => {
            let target = at_path(v, p);
            let mut nested = target.take();
            for i in 0..*depth {
                nested = if i % 2 == 0 {
                    json!([nested])
                } else {
                    json!({ "data": nested })
                };
            }
            *target = nested;
        }
    }
}

/// Byte-level damage to a serialized body.
#[derive(Debug, Clone)]
enum ByteEdit {
    None,
    Flip(Index, u8),
    Truncate(Index),
    Insert(Index, Vec<u8>),
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        12 => Just(ByteEdit::None),
        1 => (any::<Index>(), 1..=u8::MAX).prop_map(|(i, x)| ByteEdit::Flip(i, x)),
        1 => any::<Index>().prop_map(ByteEdit::Truncate),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(i, b)| ByteEdit::Insert(i, b)),
    ]
}

fn apply_byte_edit(mut body: Vec<u8>, edit: &ByteEdit) -> Vec<u8> {
    match edit {
        ByteEdit::None => {}
        ByteEdit::Flip(i, x) if !body.is_empty() => {
            let i = i.index(body.len());
            body[i] ^= x;
        }
        ByteEdit::Truncate(i) => body.truncate(i.index(body.len() + 1)),
        ByteEdit::Insert(i, bytes) => {
            let i = i.index(body.len() + 1);
            body.splice(i..i, bytes.iter().copied());
        }
        _ => {}
    }
    body
}

/// Valid payloads of every interaction kind tutorbot answers, none of which
/// writes anything as sent.
fn base_payloads() -> Vec<Value> {
    let (guild, dm) = (origin(CLICKER, true), origin(CLICKER, false));
    vec![
        fixtures::ping(APP, 2_000_000_000_000_000_009, "tok"),
        fixtures::slash_command(
            &dm,
            5,
            "lesson",
            vec![fixtures::opt_string("lesson", "async")],
        ),
        fixtures::slash_command(
            &guild,
            5,
            "lesson",
            vec![fixtures::opt_string("lesson", "nope")],
        ),
        fixtures::slash_command(
            &dm,
            5,
            "quiz",
            vec![fixtures::opt_string("lesson", "asink")],
        ),
        fixtures::slash_command(
            &guild,
            5,
            "quiz-stats",
            vec![fixtures::opt_string("lesson", "async")],
        ),
        fixtures::slash_command(
            &dm,
            5,
            "demo",
            vec![fixtures::opt_subcommand(
                "gather",
                vec![fixtures::opt_integer("n", 5)],
            )],
        ),
        fixtures::slash_command(&dm, 5, "progress", vec![]),
        fixtures::slash_command(&guild, 5, "help", vec![]),
        fixtures::slash_command(&dm, 5, "my-data", vec![]),
        fixtures::slash_command(&dm, 5, "forget-me", vec![]),
        fixtures::autocomplete(
            &dm,
            5,
            "lesson",
            vec![fixtures::opt_focused(
                "lesson",
                fixtures::OPTION_STRING,
                "as",
            )],
        ),
        click_body(CLICKER, "chk:424242424242:async:00000000"),
        click_body(CLICKER, "fn:424242424242"),
        fixtures::select_choice(&guild, "sec:1:async:00000000:overview", &["a"], message()),
        fixtures::modal_submit(&dm, "modal", &[("field", "text")]),
    ]
}

/// Bodies: valid payloads edited, or any JSON at all, then maybe damaged.
fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
    let edited = (
        prop::sample::select(base_payloads()),
        prop::collection::vec(json_edit(), 0..4),
    )
        .prop_map(|(mut v, edits)| {
            for e in &edits {
                apply_json_edit(&mut v, e);
            }
            v
        });
    let value = prop_oneof![4 => edited, 1 => json_value()];
    (value, byte_edit()).prop_map(|(v, damage)| {
        apply_byte_edit(serde_json::to_vec(&v).expect("values serialize"), &damage)
    })
}

/// A command option, any name, any type, any value (mostly of its type).
fn command_option(depth: u32) -> BoxedStrategy<Value> {
    let name = prop_oneof![
        4 => prop::sample::select(vec![
            "lesson", "n", "failures", "max", "gather", "blocking", "errors", "timeout", "limit",
        ])
        .prop_map(str::to_string),
        1 => "[a-z-]{0,12}",
        1 => ".{0,40}",
    ];
    let string = prop_oneof![
        3 => prop::sample::select(vec![
            "async", "python-setup", " async ", "ASYNC", "asnyc", "", " ", "async\u{0}",
            "../async", "a:b", "🦀",
        ])
        .prop_map(str::to_string),
        2 => ".{0,64}",
        1 => (1000..20_000usize).prop_map(|n| "x".repeat(n)),
    ];
    let integer = prop_oneof![
        prop::sample::select(vec![i64::MIN, -1, 0, 1, 2, 5, 8, 9, 50, 51, i64::MAX]),
        any::<i64>(),
    ];
    let scalar = prop_oneof![
        4 => (name.clone(), string.clone()).prop_map(|(n, v)| json!({"name": n, "type": 3, "value": v})),
        4 => (name.clone(), integer.clone()).prop_map(|(n, v)| json!({"name": n, "type": 4, "value": v})),
        1 => (name.clone(), any::<bool>()).prop_map(|(n, v)| json!({"name": n, "type": 5, "value": v})),
        1 => (name.clone(), any::<f64>()).prop_map(|(n, v)| {
            let v = serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number);
            json!({"name": n, "type": 10, "value": v})
        }),
        1 => (name.clone(), prop::sample::select(vec![6u8, 7, 8, 9, 11]), "[0-9]{1,20}")
            .prop_map(|(n, t, v)| json!({"name": n, "type": t, "value": v})),
        1 => (name.clone(), any::<u8>(), json_value())
            .prop_map(|(n, t, v)| json!({"name": n, "type": t, "value": v})),
    ];
    if depth == 0 {
        return scalar.boxed();
    }
    let nested = prop::collection::vec(command_option(depth - 1), 0..4);
    prop_oneof![
        3 => scalar,
        2 => (name, prop::sample::select(vec![1u8, 2]), nested)
            .prop_map(|(n, t, opts)| json!({"name": n, "type": t, "options": opts})),
    ]
    .boxed()
}

/// Every command, with random options, from a guild or a DM, with any
/// member permissions.
fn hostile_command() -> impl Strategy<Value = Value> {
    let name = prop_oneof![
        6 => prop::sample::select(vec![
            "lesson", "quiz", "quiz-stats", "demo", "progress", "help", "my-data", "forget-me",
        ])
        .prop_map(str::to_string),
        1 => ".{0,40}",
    ];
    let permissions = prop::sample::select(vec![
        "0",
        "32",
        "8",
        "40",
        "18446744073709551615",
        "x",
        "-1",
    ]);
    (
        name,
        prop::collection::vec(command_option(2), 0..4),
        any::<bool>(),
        permissions,
        1..=u64::MAX,
    )
        .prop_map(|(name, options, guild, perms, user)| {
            let mut v = fixtures::slash_command(&origin(user, guild), 5, &name, options);
            if guild {
                v["member"]["permissions"] = json!(perms);
            }
            v
        })
}

// ---------------------------------------------------------------------------
// Button ids
// ---------------------------------------------------------------------------

#[test]
fn every_valid_button_id_round_trips_and_fits_discords_limit() {
    check("button ids round-trip", button_id(), |b, t| {
        let raw = b.encode();
        prop_assert!(
            raw.len() <= limits::CUSTOM_ID_MAX,
            "{raw} is {} long",
            raw.len()
        );
        prop_assert_eq!(ButtonId::parse(&raw), Ok(b));
        Tally::bump(&t.parsed);
        Ok(())
    });
}

#[test]
fn arbitrary_strings_never_panic_the_button_parser_and_whatever_parses_is_canonical() {
    let catalog = support::catalog();
    check(
        "button ids from arbitrary strings",
        hostile_custom_id(&catalog),
        |raw, t| {
            if let Ok(b) = ButtonId::parse(&raw) {
                Tally::bump(&t.parsed);
                prop_assert_eq!(b.encode(), raw, "parsed {:?}", b);
            } else {
                Tally::bump(&t.refused);
            }
            Ok(())
        },
    );
}

#[test]
fn edited_valid_button_ids_are_refused_or_parse_to_exactly_what_they_say() {
    check(
        "button ids edited",
        mutated_id(button_id().prop_map(|b| b.encode())),
        |raw, t| {
            match ButtonId::parse(&raw) {
                Ok(b) => {
                    Tally::bump(&t.parsed);
                    prop_assert_eq!(b.encode(), raw);
                }
                Err(_) => Tally::bump(&t.refused),
            }
            Ok(())
        },
    );
}

#[sqlx::test]
async fn hostile_clicks_are_refused_cleanly_within_limits_and_write_nothing(pool: PgPool) {
    let core = support::core(pool.clone());
    let after = pool.clone();
    check_async(
        "clicks through the core",
        || {
            let catalog = support::catalog();
            (
                hostile_custom_id(&catalog),
                prop_oneof![4 => Just(CLICKER), 1 => 1..=u64::MAX],
            )
        },
        move |(custom_id, user), tally| {
            let (core, pool) = (core.clone(), pool.clone());
            async move {
                let body = serde_json::to_vec(&click_body(user, &custom_id)).expect("serializes");
                let interaction: Interaction = serde_json::from_slice(&body)
                    .map_err(|e| TestCaseError::fail(format!("a click body must parse: {e}")))?;
                Tally::bump(&tally.parsed);
                serve_interaction(&core, &pool, &interaction, &tally).await
            }
        },
    )
    .await;
    assert_eq!(rows(&after).await, 0);
}

// ---------------------------------------------------------------------------
// Interaction bodies
// ---------------------------------------------------------------------------

#[test]
fn arbitrary_bytes_and_json_never_panic_the_interaction_parser() {
    let bodies = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        json_value().prop_map(|v| serde_json::to_vec(&v).expect("serializes")),
        hostile_body(),
    ];
    check("interaction bodies parsed", bodies, |body, t| {
        if let Ok(interaction) = serde_json::from_slice::<Interaction>(&body) {
            Tally::bump(&t.parsed);
            // What parses serializes back (the gateway door logs it).
            serde_json::to_vec(&interaction)
                .map_err(|e| TestCaseError::fail(format!("does not serialize back: {e}")))?;
        } else {
            Tally::bump(&t.refused);
        }
        Ok(())
    });
}

#[sqlx::test]
async fn hostile_interaction_bodies_are_answered_within_discords_limits_and_write_nothing(
    pool: PgPool,
) {
    let core = support::core(pool.clone());
    let after = pool.clone();
    check_async(
        "interaction bodies through the core",
        hostile_body,
        move |body, tally| {
            let (core, pool) = (core.clone(), pool.clone());
            async move { serve(&core, &pool, &body, &tally).await }
        },
    )
    .await;
    assert_eq!(rows(&after).await, 0);
}

// ---------------------------------------------------------------------------
// Command options
// ---------------------------------------------------------------------------

#[sqlx::test]
async fn random_options_on_every_command_are_answered_within_limits_and_write_only_valid_flows(
    pool: PgPool,
) {
    let core = support::core(pool.clone());
    let after = pool.clone();
    check_async(
        "command options through the core",
        hostile_command,
        move |v, tally| {
            let (core, pool) = (core.clone(), pool.clone());
            async move {
                let body = serde_json::to_vec(&v).expect("serializes");
                serve(&core, &pool, &body, &tally).await
            }
        },
    )
    .await;
    assert_eq!(rows(&after).await, 0);
}

/// `/demo` options that a demo must refuse, with an engine of max_n 8.
fn refused_demo() -> impl Strategy<Value = Value> {
    const MAX_N: i64 = 8;
    let out = || prop_oneof![i64::MIN..=0, (MAX_N + 1)..=i64::MAX];
    let n = |v: i64| json!({"name": "n", "type": 4, "value": v});
    let opt = |name: &str, v: i64| json!({"name": name, "type": 4, "value": v});
    let sub =
        |name: &str, options: Vec<Value>| json!({"name": name, "type": 1, "options": options});
    let unknown_sub = "[a-z]{1,12}".prop_filter("not a demo", |s| {
        !["gather", "blocking", "errors", "timeout", "limit"].contains(&s.as_str())
    });
    let cases = prop_oneof![
        (
            prop::sample::select(vec!["gather", "blocking", "errors", "limit"]),
            out()
        )
            .prop_map(move |(s, v)| sub(s, vec![n(v)])),
        (1..=MAX_N, any::<bool>(), any::<i64>()).prop_map(move |(nv, above, x)| {
            let failures = if above {
                nv + 1 + (x & 0xffff).abs()
            } else {
                -1 - (x & 0xffff).abs()
            };
            sub("errors", vec![n(nv), opt("failures", failures)])
        }),
        (1..=MAX_N, any::<bool>(), any::<i64>()).prop_map(move |(nv, above, x)| {
            let max = if above {
                nv + 1 + (x & 0xffff).abs()
            } else {
                -(x & 0xffff).abs()
            };
            sub("limit", vec![n(nv), opt("max", max)])
        }),
        out().prop_map(move |v| sub("errors", vec![opt("failures", v.saturating_add(6))])),
        (unknown_sub, prop::collection::vec(command_option(0), 0..3))
            .prop_map(move |(s, options)| sub(&s, options)),
    ];
    (cases, 1..=u64::MAX).prop_map(|(option, user)| {
        fixtures::slash_command(&origin(user, false), 5, "demo", vec![option])
    })
}

#[sqlx::test]
async fn demo_numbers_out_of_bounds_and_unknown_demos_are_refused_and_run_nothing(pool: PgPool) {
    let settings = DemoSettings {
        target: None,
        max_n: 8,
        delay: Duration::from_millis(100),
        cooldown: Duration::ZERO,
        max_in_flight: 50,
    };
    let core = support::core(pool.clone()).with_demos(DemoService::start(&settings).await.unwrap());
    check_async("demo options refused", refused_demo, move |v, tally| {
        let (core, pool) = (core.clone(), pool.clone());
        async move {
            // Random options under an unknown demo may not even parse.
            let Ok(interaction) = serde_json::from_value::<Interaction>(v.clone()) else {
                return Ok(());
            };
            Tally::bump(&tally.parsed);
            let (followup, _edits) = support::recorder();
            let answer = core.handle(&interaction, followup).await;
            Tally::bump(&tally.answered);
            let response = serde_json::to_value(&answer.response).expect("serializes");
            let written = rows(&pool).await;
            if written > 0 {
                wipe(&pool).await;
            }
            within_limits(&response).map_err(TestCaseError::fail)?;
            prop_assert_eq!(
                answer.outcome,
                Outcome::Refused,
                "{} answered {}",
                v,
                response
            );
            Tally::bump(&tally.refused);
            prop_assert!(support::is_ephemeral(&response));
            prop_assert_eq!(written, 0, "{} wrote rows", v);
            Ok(())
        }
    })
    .await;
}

// ---------------------------------------------------------------------------
// Content files
// ---------------------------------------------------------------------------

/// The files an author edits, relative to prompts/.
const CONTENT_FILES: &[&str] = &[
    "async/lesson.toml",
    "async/quiz.toml",
    "python-setup/lesson.toml",
    "python-setup/quiz.toml",
    "ui.toml",
    "demos.toml",
    "async/01-overview.md",
    "python-setup/03-venv.md",
];

/// One edit to a content file.
#[derive(Debug, Clone)]
enum FileEdit {
    Truncate(Index),
    InsertBytes(Index, Vec<u8>),
    DuplicateLine(Index),
    DeleteLine(Index),
    SwapLines(Index, Index),
    HugeValue(Index, usize),
    InvalidUtf8(Index),
    InsertLine(Index, String),
    Replace(Vec<u8>),
    Delete,
}

fn file_edit() -> impl Strategy<Value = FileEdit> {
    let line = prop_oneof![
        prop::sample::select(vec![
            "[[sections]]",
            "[[objectives]]",
            "[[questions]]",
            "[[questions.choices]]",
            "[",
            "id = \"\"",
            "id = \"A B\"",
            "id = \"overview\"",
            "answer = \"nope\"",
            "title = \"\"",
            "order = 99999999999999999999",
            "file = \"../../etc/passwd\"",
            "file = \"/etc/passwd\"",
            "file = \"\"",
            "file = \"missing.md\"",
            "colour = \"red\"",
            "```python run",
            "```output",
            "```",
            "x = 1",
            "\"\"\"",
            "'''",
            "key = \"{oops}\"",
            "section = \"nowhere\"",
            "id = \"a\\nb\"",
            "section = \"x\\r\\ny\"",
            "objective = \"nowhere\"",
            "why_wrong = \"because\"",
        ])
        .prop_map(str::to_string),
        ".{0,40}",
    ];
    prop_oneof![
        2 => any::<Index>().prop_map(FileEdit::Truncate),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| FileEdit::InsertBytes(i, b)),
        2 => any::<Index>().prop_map(FileEdit::DuplicateLine),
        2 => any::<Index>().prop_map(FileEdit::DeleteLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| FileEdit::SwapLines(a, b)),
        2 => (any::<Index>(), 100..20_000usize).prop_map(|(i, n)| FileEdit::HugeValue(i, n)),
        1 => any::<Index>().prop_map(FileEdit::InvalidUtf8),
        3 => (any::<Index>(), line).prop_map(|(i, l)| FileEdit::InsertLine(i, l)),
        1 => prop::collection::vec(any::<u8>(), 0..256).prop_map(FileEdit::Replace),
        1 => Just(FileEdit::Delete),
    ]
}

/// Applies an edit to a file's bytes; `None` deletes the file.
fn apply_file_edit(bytes: Option<Vec<u8>>, edit: &FileEdit) -> Option<Vec<u8>> {
    let mut bytes = bytes?;
    let split =
        |b: &[u8]| -> Vec<Vec<u8>> { b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect() };
    let join = |lines: Vec<Vec<u8>>| lines.join(&b'\n');
    Some(match edit {
        FileEdit::Truncate(i) => {
            bytes.truncate(i.index(bytes.len() + 1));
            bytes
        }
        FileEdit::InsertBytes(i, b) => {
            let i = i.index(bytes.len() + 1);
            bytes.splice(i..i, b.iter().copied());
            bytes
        }
        FileEdit::InvalidUtf8(i) => {
            let i = i.index(bytes.len() + 1);
            bytes.splice(i..i, [0xff, 0xfe, 0xc3]);
            bytes
        }
        FileEdit::DuplicateLine(i) => {
            let mut lines = split(&bytes);
            let i = i.index(lines.len());
            let l = lines[i].clone();
            lines.insert(i, l);
            join(lines)
        }
        FileEdit::DeleteLine(i) => {
            let mut lines = split(&bytes);
            lines.remove(i.index(lines.len()));
            join(lines)
        }
        FileEdit::SwapLines(a, b) => {
            let mut lines = split(&bytes);
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            join(lines)
        }
        FileEdit::InsertLine(i, l) => {
            let mut lines = split(&bytes);
            let i = i.index(lines.len() + 1);
            lines.insert(i, l.clone().into_bytes());
            join(lines)
        }
        FileEdit::HugeValue(i, n) => {
            // Replace the value of one `key = "..."` line (any line if none).
            let mut lines = split(&bytes);
            let candidates: Vec<usize> = (0..lines.len())
                .filter(|&k| lines[k].windows(4).any(|w| w == b" = \""))
                .collect();
            let k = if candidates.is_empty() {
                i.index(lines.len())
            } else {
                candidates[i.index(candidates.len())]
            };
            let key = lines[k]
                .split(|&c| c == b'=')
                .next()
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            let mut line = key;
            line.extend_from_slice(b"= \"");
            line.extend(std::iter::repeat(b'y').take(*n));
            line.push(b'"');
            lines[k] = line;
            join(lines)
        }
        FileEdit::Replace(b) => b.clone(),
        FileEdit::Delete => return None,
    })
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A loaded catalog is one the bot can serve; a refused one names, for every
/// mistake, a file of the folder and a line inside it.
fn load_is_clean(dir: &Path, deleted: &[PathBuf]) -> Result<bool, TestCaseError> {
    let diags = match Catalog::load(dir) {
        Ok(catalog) => {
            prop_assert!(!catalog.lessons().is_empty());
            return Ok(true);
        }
        Err(d) => d,
    };
    prop_assert!(!diags.is_empty(), "a failed load says why");
    for d in diags.iter() {
        let shown = d.to_string();
        prop_assert!(
            shown.starts_with(&format!("{}:{}: ", d.path.display(), d.line)),
            "{shown}"
        );
        prop_assert!(!d.message.trim().is_empty(), "says what is wrong: {shown}");
        prop_assert!(!shown.contains('\n'), "one line a mistake: {shown}");
        prop_assert!(
            d.path.starts_with(dir),
            "names a file outside prompts/: {shown}"
        );
        prop_assert!(d.line >= 1, "{shown}");
        if d.path.is_file() {
            let bytes = fs::read(&d.path).unwrap();
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            prop_assert!(d.line <= lines + 1, "{shown}: the file has {lines} lines");
        } else {
            prop_assert!(
                d.path.is_dir() || deleted.contains(&d.path),
                "names a path that does not exist: {shown}"
            );
            prop_assert_eq!(d.line, 1, "{}", shown);
        }
    }
    Ok(false)
}

#[test]
fn damaged_content_files_never_panic_the_loader_and_every_mistake_names_its_file_and_line() {
    let shipped = support::prompts_dir();
    let edits = prop::collection::vec((prop::sample::select(CONTENT_FILES), file_edit()), 1..4);
    // One copy for the whole run; each case edits it and puts it back.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(shipped, dir.path());
    check("content files", edits, |edits, t| {
        let mut deleted = Vec::new();
        for (rel, edit) in &edits {
            let path = dir.path().join(rel);
            match apply_file_edit(fs::read(&path).ok(), edit) {
                Some(bytes) => fs::write(&path, bytes).unwrap(),
                None => {
                    let _ = fs::remove_file(&path);
                    deleted.push(path);
                }
            }
        }
        let verdict = load_is_clean(dir.path(), &deleted);
        for (rel, _) in &edits {
            fs::copy(shipped.join(rel), dir.path().join(rel)).unwrap();
        }
        if verdict? {
            Tally::bump(&t.parsed);
        } else {
            Tally::bump(&t.refused);
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------

/// A key pair, a body and a timestamp, signed as Discord signs.
#[derive(Debug, Clone)]
struct Signed {
    key: [u8; 32],
    body: Vec<u8>,
    timestamp: String,
}

impl Signed {
    fn signing_key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.key)
    }

    fn verifier(&self) -> Verifier {
        Verifier::try_new(self.signing_key().verifying_key().to_bytes()).expect("a real key")
    }

    fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let message = [timestamp.as_bytes(), body].concat();
        hex::encode(self.signing_key().sign(&message).to_bytes())
    }
}

fn signed() -> impl Strategy<Value = Signed> {
    (
        any::<[u8; 32]>(),
        prop_oneof![prop::collection::vec(any::<u8>(), 0..1024), hostile_body(),],
        prop_oneof!["[0-9]{10}", ".{0,12}"],
    )
        .prop_map(|(key, body, timestamp)| Signed {
            key,
            body,
            timestamp,
        })
}

#[test]
fn a_valid_signature_verifies_and_every_forged_one_is_refused() {
    let cases = (
        signed(),
        any::<[u8; 32]>(),
        any::<[u8; 64]>(),
        "\\PC{0,140}",
    );
    check(
        "signatures forged",
        cases,
        |(s, other_key, forged, junk), t| {
            let verifier = s.verifier();
            let good = s.sign(&s.timestamp, &s.body);
            prop_assert!(verifier.verify(&good, &s.timestamp, &s.body).is_ok());
            Tally::bump(&t.parsed);
            // Random bytes as a signature.
            prop_assert!(verifier
                .verify(&hex::encode(forged), &s.timestamp, &s.body)
                .is_err());
            // Any text in the header.
            prop_assert!(verifier.verify(&junk, &s.timestamp, &s.body).is_err());
            // A real signature by another key.
            let other = Signed {
                key: other_key,
                ..s.clone()
            };
            if other.signing_key().verifying_key() != s.signing_key().verifying_key() {
                let theirs = other.sign(&s.timestamp, &s.body);
                prop_assert!(verifier.verify(&theirs, &s.timestamp, &s.body).is_err());
            }
            // The right signature, cut or padded.
            prop_assert!(verifier
                .verify(&good[..126], &s.timestamp, &s.body)
                .is_err());
            let padded = format!("{good}00");
            prop_assert!(verifier.verify(&padded, &s.timestamp, &s.body).is_err());
            Tally::bump(&t.refused);
            Ok(())
        },
    );
}

#[test]
fn a_valid_signature_over_a_changed_body_or_timestamp_is_refused() {
    let cases = (
        signed(),
        any::<Index>(),
        1..=u8::MAX,
        prop::collection::vec(any::<u8>(), 1..8),
        prop_oneof!["[0-9]{10}", ".{0,12}"],
    );
    check(
        "signatures over changed bodies",
        cases,
        |(s, i, x, extra, ts), t| {
            let verifier = s.verifier();
            let good = s.sign(&s.timestamp, &s.body);
            Tally::bump(&t.parsed);
            if !s.body.is_empty() {
                let mut flipped = s.body.clone();
                let k = i.index(flipped.len());
                flipped[k] ^= x;
                prop_assert!(verifier.verify(&good, &s.timestamp, &flipped).is_err());
                let mut shorter = s.body.clone();
                shorter.remove(k);
                prop_assert!(verifier.verify(&good, &s.timestamp, &shorter).is_err());
            }
            let mut longer = s.body.clone();
            let k = i.index(longer.len() + 1);
            longer.splice(k..k, extra.iter().copied());
            prop_assert!(verifier.verify(&good, &s.timestamp, &longer).is_err());
            if ts != s.timestamp {
                prop_assert!(verifier.verify(&good, &ts, &s.body).is_err());
            }
            Tally::bump(&t.refused);
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------
// What the properties found, kept as examples
// ---------------------------------------------------------------------------

#[test]
fn a_stray_carriage_return_in_a_toml_file_is_named_not_left_blank() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(support::prompts_dir(), dir.path());
    let path = dir.path().join("async/lesson.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("\r\u{a1}\n{text}")).unwrap();
    let diags = Catalog::load(dir.path()).expect_err("a stray \\r is a syntax error");
    let shown = diags.to_string();
    assert!(
        shown.starts_with(&format!(
            "{}:1: invalid TOML: unexpected \"\\r\"",
            path.display()
        )),
        "{shown}"
    );
}

#[test]
fn a_toml_error_that_runs_over_several_lines_is_one_line_per_mistake() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(support::prompts_dir(), dir.path());
    let path = dir.path().join("async/quiz.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\n[[questions.x\n")).unwrap();
    let diags = Catalog::load(dir.path()).expect_err("a broken table header");
    let shown = diags.to_string();
    assert_eq!(diags.len(), shown.lines().count(), "{shown}");
    assert!(shown.contains("invalid table header; expected"), "{shown}");
}

#[sqlx::test]
async fn a_demo_that_was_never_registered_is_refused_and_runs_nothing(pool: PgPool) {
    let settings = DemoSettings {
        target: None,
        max_n: 8,
        delay: Duration::from_millis(100),
        cooldown: Duration::ZERO,
        max_in_flight: 50,
    };
    let core = support::core(pool.clone()).with_demos(DemoService::start(&settings).await.unwrap());
    let forged = fixtures::slash_command(
        &origin(CLICKER, false),
        5,
        "demo",
        vec![fixtures::opt_subcommand(
            "rm-rf",
            vec![fixtures::opt_integer("n", 3)],
        )],
    );
    let interaction: Interaction = serde_json::from_value(forged).unwrap();
    let (answer, response) = support::ask(&core, &interaction).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(
        support::text(&response).contains("/demo rm-rf"),
        "{}",
        support::text(&response)
    );
    assert_eq!(rows(&pool).await, 0);
}
