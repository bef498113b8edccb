//! A steady load of signed checklist ticks and quiz answers against a
//! `tutorbot http` door, which keeps every interaction that was answered
//! with success, and the check of those against Postgres afterwards.
//!
//! Each *seat* plays one learner after another, each learner a fresh id:
//! tick every objective of a lesson, then take a quiz to its results. A seat
//! waits for each answer before its next click, as a person does. When an
//! answer is a failure ("try again", 503) it clicks again (a new interaction,
//! as Discord makes one per click); when there is no answer at all (the
//! process was killed) it waits until the harness says a new process is up.
//!
//! What counts:
//! - **ok**: answered with success (the view, not a notice). Its effect is
//!   kept, and [`check`] insists it is in Postgres afterwards; a missing one
//!   is **lost**.
//! - **failed**: answered, but "try again" (or 503). Nothing is promised.
//! - **unanswered**: no HTTP answer (killed mid-request, or refused to
//!   connect while down). It may or may not have happened; nothing promised.
//! - **unexpected**: any other answer (a refusal, a 4xx): a bug, kept as a
//!   sample.
//!
//! Every learner starts one quiz attempt and ticks each objective once, so
//! a second attempt, or a second row for one key, is a **duplicate**. A
//! finished attempt without all its answers is **torn**.
//!
//! The crash and outage tests (`tests/faults.rs`) and `benches/chaos.rs`
//! share this file; the bench includes it by path next to `fixtures.rs`.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tutorbot::content::Catalog;
use tutorbot::core::{Action, ButtonId};

use crate::fixtures::{self, Origin};

pub const GUILD: u64 = 1_600_000_000_000_000_001;
pub const CHANNEL: u64 = 1_600_000_000_000_000_002;
pub const APP: u64 = 1_600_000_000_000_000_003;
pub const BOT: u64 = 1_600_000_000_000_000_004;
pub const COMMAND_ID: u64 = 1_600_000_000_000_000_005;

/// What every learner does, from the shipped content.
#[derive(Clone, Debug)]
pub struct Script {
    pub tick_lesson: String,
    pub tick_version: String,
    pub objectives: Vec<String>,
    pub quiz_lesson: String,
    /// Question ids, each with its choice ids, in the quiz file's order
    /// (the order button ids index into).
    pub questions: Vec<(String, Vec<String>)>,
}

impl Script {
    /// Tick every objective of `tick_lesson`, then take `quiz_lesson`'s quiz.
    pub fn new(catalog: &Catalog, tick_lesson: &str, quiz_lesson: &str) -> Script {
        let ticks = catalog.lesson(tick_lesson).expect("the tick lesson");
        let quiz = catalog
            .lesson(quiz_lesson)
            .and_then(|l| l.quiz.as_ref())
            .expect("the quiz lesson has a quiz");
        Script {
            tick_lesson: ticks.id.clone(),
            tick_version: ticks.version.clone(),
            objectives: ticks.objectives.iter().map(|o| o.id.clone()).collect(),
            quiz_lesson: quiz_lesson.to_string(),
            questions: quiz
                .questions
                .iter()
                .map(|q| {
                    (
                        q.id.clone(),
                        q.choices.iter().map(|c| c.id.clone()).collect(),
                    )
                })
                .collect(),
        }
    }

    /// Interactions one learner needs when every answer is ok.
    pub fn interactions_per_learner(&self) -> usize {
        self.objectives.len() + 1 + 2 * self.questions.len()
    }

    pub fn tick_id(&self, learner: u64, objective: usize, ticked: bool) -> String {
        ButtonId::new(
            learner,
            Action::Tick {
                lesson: self.tick_lesson.clone(),
                version: self.tick_version.clone(),
                objective: self.objectives[objective].clone(),
                ticked,
            },
        )
        .encode()
    }
}

/// An effect the bot confirmed: it must be in Postgres.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Tick {
        learner: u64,
        objective: String,
    },
    Answer {
        learner: u64,
        attempt: i64,
        question: String,
        choice: String,
    },
}

/// Counts and samples of one run.
#[derive(Debug, Default)]
pub struct Tally {
    pub sent: u64,
    pub ok: u64,
    pub failed: u64,
    pub unanswered: u64,
    pub unexpected: u64,
    /// Failures that were 503 (load shed at the door), among `failed`.
    pub shed: u64,
    /// Up to 5 unexpected answers, for the report.
    pub samples: Vec<String>,
    /// Up to 5 errors of requests that got no answer.
    pub errors: Vec<String>,
    /// Send to answer, for every answered request.
    pub latencies: Vec<Duration>,
    pub effects: Vec<Effect>,
    /// Learners who finished the whole script.
    pub learners_done: u64,
    /// The first and last learner id used.
    pub learners: (u64, u64),
}

impl Tally {
    /// The `q` quantile of the answer latencies (0 if none).
    pub fn latency(&self, q: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[i]
    }

    pub fn max_latency(&self) -> Duration {
        self.latencies.iter().copied().max().unwrap_or_default()
    }
}

/// Where the door is now; the generation grows with each (re)start.
#[derive(Clone, Debug)]
struct Target {
    url: String,
    generation: u64,
}

struct Shared {
    script: Script,
    key: SigningKey,
    client: reqwest::Client,
    target: watch::Receiver<Target>,
    stopping: AtomicBool,
    stop: watch::Receiver<bool>,
    next_learner: AtomicU64,
    tally: Mutex<Tally>,
    ok: watch::Sender<u64>,
    failed: watch::Sender<u64>,
    retry_pause: Duration,
}

/// The load, running; the harness restarts the door under it and stops it.
pub struct Load {
    shared: Arc<Shared>,
    target: watch::Sender<Target>,
    stop: watch::Sender<bool>,
    seats: Vec<JoinHandle<()>>,
    first_learner: u64,
}

/// The load was told to stop.
struct Stopped;

/// One HTTP answer.
struct Reply {
    status: u16,
    body: Value,
}

impl Load {
    /// Starts `seats` learners at once against `url`, signing with `key`.
    /// Learner ids start at `first_learner`. After a failure answer a seat
    /// pauses `retry_pause` before clicking again (a person would wait too).
    pub fn start(
        seats: usize,
        key: SigningKey,
        script: Script,
        url: String,
        first_learner: u64,
        retry_pause: Duration,
    ) -> Load {
        let (shared, target, stop) = Shared::new(key, script, url, first_learner, retry_pause);
        let seats = (0..seats)
            .map(|_| tokio::spawn(seat(Arc::clone(&shared))))
            .collect();
        Load {
            shared,
            target,
            stop,
            seats,
            first_learner,
        }
    }

    /// A new process serves at `url`: seats waiting after an unanswered
    /// request go on.
    pub fn restarted(&self, url: String) {
        self.target.send_modify(|t| {
            t.url = url;
            t.generation += 1;
        });
    }

    /// Answers with success so far.
    pub fn ok(&self) -> u64 {
        *self.shared.ok.borrow()
    }

    /// Failure answers so far.
    pub fn failed(&self) -> u64 {
        *self.shared.failed.borrow()
    }

    /// Waits until at least `n` answers were ok.
    pub async fn ok_reaches(&self, n: u64) {
        let mut rx = self.shared.ok.subscribe();
        let _ = rx.wait_for(|ok| *ok >= n).await;
    }

    /// Waits until at least `n` answers were failures.
    pub async fn failed_reaches(&self, n: u64) {
        let mut rx = self.shared.failed.subscribe();
        let _ = rx.wait_for(|f| *f >= n).await;
    }

    /// Stops every seat (each first sees its request in flight through)
    /// and returns the tally.
    pub async fn stop(self) -> Tally {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.stop.send_replace(true);
        for seat in self.seats {
            let _ = seat.await;
        }
        let mut tally = std::mem::take(&mut *self.shared.tally.lock().unwrap());
        let last = self.shared.next_learner.load(Ordering::SeqCst);
        tally.learners = (self.first_learner, last.saturating_sub(1));
        tally
    }
}

async fn seat(shared: Arc<Shared>) {
    while !shared.stopping.load(Ordering::SeqCst) {
        let learner = shared.next_learner.fetch_add(1, Ordering::SeqCst);
        match shared.learner(learner).await {
            Ok(()) => shared.tally.lock().unwrap().learners_done += 1,
            Err(Stopped) => return,
        }
    }
}

/// What a click was for, to judge its answer.
#[derive(Clone, Copy)]
enum Step {
    Tick { objective: usize },
    QuizStart,
    Answer,
    Next,
}

impl Shared {
    /// The state seats share, and the harness's two handles on it: where
    /// the door is, and the stop signal.
    #[allow(clippy::type_complexity)]
    fn new(
        key: SigningKey,
        script: Script,
        url: String,
        first_learner: u64,
        retry_pause: Duration,
    ) -> (Arc<Shared>, watch::Sender<Target>, watch::Sender<bool>) {
        let (target, target_rx) = watch::channel(Target { url, generation: 0 });
        let (stop, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            script,
            key,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            target: target_rx,
            stopping: AtomicBool::new(false),
            stop: stop_rx,
            next_learner: AtomicU64::new(first_learner),
            tally: Mutex::default(),
            ok: watch::Sender::new(0),
            failed: watch::Sender::new(0),
            retry_pause,
        });
        (shared, target, stop)
    }

    /// One learner's whole script.
    async fn learner(&self, learner: u64) -> Result<(), Stopped> {
        let s = &self.script;
        let origin = Origin::guild(
            APP,
            fixtures::snowflake(),
            fixtures::interaction_token(),
            learner,
            GUILD,
            CHANNEL,
        );
        // The checklist as it first shows: every objective offers a tick.
        let mut shown: Vec<Value> = vec![fixtures::action_row(
            (0..s.objectives.len().min(5))
                .map(|o| fixtures::button(&s.tick_id(learner, o, true), "objective", 2))
                .collect(),
        )];
        for objective in 0..s.objectives.len() {
            let id = s.tick_id(learner, objective, true);
            let body = self
                .until_ok(Step::Tick { objective }, learner, || {
                    fixtures::button_click(&origin.next(), &id, message(&shown))
                })
                .await?;
            self.confirmed(Effect::Tick {
                learner,
                objective: s.objectives[objective].clone(),
            });
            // (A "saved, not shown" notice has no buttons: keep the last.)
            let now = components(&body);
            if !now.is_empty() {
                shown = now;
            }
        }

        let quiz = fixtures::slash_command(
            &origin,
            COMMAND_ID,
            "quiz",
            vec![fixtures::opt_string("lesson", &s.quiz_lesson)],
        );
        let mut body = self
            .until_ok(Step::QuizStart, learner, || {
                let mut fresh = quiz.clone();
                fresh["id"] = Value::String(fixtures::snowflake().to_string());
                fresh
            })
            .await?;
        for turn in 0.. {
            let ids = fixtures::custom_ids(&body["data"]);
            let answers: Vec<&String> = ids.iter().filter(|i| i.starts_with("qa:")).collect();
            let next = ids.iter().find(|i| i.starts_with("qn:"));
            let (step, id) = if !answers.is_empty() {
                // Some right, some wrong: the learner's id picks.
                (
                    Step::Answer,
                    answers[(learner as usize + turn) % answers.len()].clone(),
                )
            } else if let Some(next) = next {
                (Step::Next, next.clone())
            } else {
                break; // the results
            };
            let on = components(&body);
            body = self
                .until_ok(step, learner, || {
                    fixtures::button_click(&origin.next(), &id, message(&on))
                })
                .await?;
            if let Step::Answer = step {
                let effect = self.answer_effect(learner, &id);
                self.confirmed(effect);
            }
        }
        Ok(())
    }

    /// The effect of an answer button: `qa:owner:attempt:version:q:c`.
    fn answer_effect(&self, learner: u64, id: &str) -> Effect {
        let parts: Vec<&str> = id.split(':').collect();
        let attempt = parts[2].parse().expect("attempt id");
        let q: usize = parts[4].parse().expect("question index");
        let c: usize = parts[5].parse().expect("choice index");
        let (question, choices) = &self.script.questions[q];
        Effect::Answer {
            learner,
            attempt,
            question: question.clone(),
            choice: choices[c].clone(),
        }
    }

    fn confirmed(&self, effect: Effect) {
        self.tally.lock().unwrap().effects.push(effect);
    }

    /// Sends fresh interactions from `make` until one is answered with
    /// success; returns that answer's body.
    async fn until_ok(
        &self,
        step: Step,
        learner: u64,
        make: impl Fn() -> Value,
    ) -> Result<Value, Stopped> {
        loop {
            let reply = self.send(&make()).await?;
            if self.judged(step, learner, &reply) {
                return Ok(reply.body);
            }
            let mut stop = self.stop.clone();
            tokio::select! {
                _ = tokio::time::sleep(self.retry_pause) => {}
                _ = stop.wait_for(|s| *s) => return Err(Stopped),
            }
        }
    }

    /// Judges an answer and counts it; true if it was ok.
    fn judged(&self, step: Step, learner: u64, reply: &Reply) -> bool {
        let verdict = judge(step, &self.script, learner, reply);
        {
            let mut t = self.tally.lock().unwrap();
            match verdict {
                Verdict::Ok => t.ok += 1,
                Verdict::Failed => {
                    t.failed += 1;
                    t.shed += u64::from(reply.status == 503);
                }
                Verdict::Unexpected => {
                    t.unexpected += 1;
                    if t.samples.len() < 5 {
                        t.samples.push(format!("{} {}", reply.status, reply.body));
                    }
                }
            }
        }
        match verdict {
            Verdict::Ok => self.ok.send_modify(|n| *n += 1),
            Verdict::Failed => self.failed.send_modify(|n| *n += 1),
            Verdict::Unexpected => {}
        }
        matches!(verdict, Verdict::Ok)
    }

    /// Posts one signed interaction; keeps at it across restarts until
    /// something answers.
    async fn send(&self, payload: &Value) -> Result<Reply, Stopped> {
        let body = serde_json::to_vec(payload).unwrap();
        loop {
            if self.stopping.load(Ordering::SeqCst) {
                return Err(Stopped);
            }
            let target = self.target.borrow().clone();
            let (signature, timestamp) = sign(&self.key, &body);
            self.tally.lock().unwrap().sent += 1;
            let started = Instant::now();
            let answer = async {
                let response = self
                    .client
                    .post(&target.url)
                    .header("content-type", "application/json")
                    .header("x-signature-ed25519", &signature)
                    .header("x-signature-timestamp", &timestamp)
                    .body(body.clone())
                    .send()
                    .await?;
                let status = response.status().as_u16();
                let bytes = response.bytes().await?;
                Ok::<_, reqwest::Error>(Reply {
                    status,
                    body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                })
            };
            // A request sent is seen through (at most the client's timeout),
            // even when the load is stopping: every one sent is counted as
            // answered or not by the bot, never abandoned by us.
            match answer.await {
                Ok(reply) => {
                    self.tally.lock().unwrap().latencies.push(started.elapsed());
                    return Ok(reply);
                }
                Err(e) => {
                    // Killed mid-request, or down: the same click goes again
                    // (as the same interaction: Discord never resends one,
                    // but the bot must not mind) once a new process is up,
                    // or after a second if none comes (a connection lost
                    // some other way).
                    {
                        let mut t = self.tally.lock().unwrap();
                        t.unanswered += 1;
                        if t.errors.len() < 5 {
                            let mut text = e.to_string();
                            let mut source = std::error::Error::source(&e);
                            while let Some(cause) = source {
                                text.push_str(&format!(": {cause}"));
                                source = cause.source();
                            }
                            t.errors.push(text);
                        }
                    }
                    let mut target_rx = self.target.clone();
                    let mut stop = self.stop.clone();
                    tokio::select! {
                        _ = target_rx.wait_for(|t| t.generation != target.generation) => {}
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stop.wait_for(|s| *s) => return Err(Stopped),
                    }
                }
            }
        }
    }
}

/// One learner clicking as fast as a client can: `connections` loops, each
/// sending its next tick the moment the last is answered, for `duration`.
/// Every tick sets an objective (never unsets), so each one answered ok must
/// be stored whatever the order.
pub async fn hammer(
    key: SigningKey,
    url: String,
    script: Script,
    learner: u64,
    connections: usize,
    duration: Duration,
) -> Tally {
    let (shared, target, stop) = Shared::new(key, script, url, learner, Duration::ZERO);
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let shared = Arc::clone(&shared);
            tokio::spawn(async move {
                let s = &shared.script;
                for i in c.. {
                    let objective = i % s.objectives.len();
                    let id = s.tick_id(learner, objective, true);
                    let origin = Origin::guild(
                        APP,
                        fixtures::snowflake(),
                        fixtures::interaction_token(),
                        learner,
                        GUILD,
                        CHANNEL,
                    );
                    let row = fixtures::action_row(vec![fixtures::button(&id, "objective", 2)]);
                    let click = fixtures::button_click(&origin, &id, message(&[row]));
                    let Ok(reply) = shared.send(&click).await else {
                        return;
                    };
                    if shared.judged(Step::Tick { objective }, learner, &reply) {
                        shared.tally.lock().unwrap().effects.push(Effect::Tick {
                            learner,
                            objective: s.objectives[objective].clone(),
                        });
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    shared.stopping.store(true, Ordering::SeqCst);
    stop.send_replace(true);
    for task in tasks {
        let _ = task.await;
    }
    drop(target);
    let mut tally = std::mem::take(&mut *shared.tally.lock().unwrap());
    tally.learners = (learner, learner);
    tally
}

enum Verdict {
    Ok,
    Failed,
    Unexpected,
}

/// Success is the view the click asked for; a failure is a notice that
/// says to try again, or 503; anything else is unexpected.
fn judge(step: Step, script: &Script, learner: u64, reply: &Reply) -> Verdict {
    if reply.status == 503 {
        return Verdict::Failed;
    }
    if reply.status != 200 {
        return Verdict::Unexpected;
    }
    let kind = reply.body["type"].as_u64();
    let data = &reply.body["data"];
    let has_view = data["embeds"]
        .as_array()
        .is_some_and(|embeds| !embeds.is_empty());
    if !has_view {
        let content = data["content"].as_str().unwrap_or_default().to_lowercase();
        return if content.contains("try again") {
            Verdict::Failed
        } else {
            Verdict::Unexpected
        };
    }
    let ids = fixtures::custom_ids(data);
    let ok = match step {
        // In place, now offering to untick that objective.
        Step::Tick { objective } => {
            kind == Some(7) && ids.contains(&script.tick_id(learner, objective, false))
        }
        Step::QuizStart => kind == Some(4),
        Step::Answer | Step::Next => kind == Some(7),
    };
    if ok {
        Verdict::Ok
    } else {
        Verdict::Unexpected
    }
}

/// The `X-Signature-Ed25519` and `X-Signature-Timestamp` of `body`, now,
/// as Discord signs: over the timestamp followed by the body.
pub fn sign(key: &SigningKey, body: &[u8]) -> (String, String) {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = hex::encode(key.sign(&[timestamp.as_bytes(), body].concat()).to_bytes());
    (signature, timestamp)
}

/// `/lesson async` from `learner`, signed: what a passer-by sees.
pub async fn open_lesson(key: &SigningKey, url: &str, learner: u64) -> (u16, Value) {
    let origin = Origin::guild(
        APP,
        fixtures::snowflake(),
        fixtures::interaction_token(),
        learner,
        GUILD,
        CHANNEL,
    );
    let payload = fixtures::slash_command(
        &origin,
        COMMAND_ID,
        "lesson",
        vec![fixtures::opt_string("lesson", "async")],
    );
    post_signed(key, url, &payload).await
}

/// Posts one interaction signed with `key`; the status and the JSON answer.
pub async fn post_signed(key: &SigningKey, url: &str, payload: &Value) -> (u16, Value) {
    let body = serde_json::to_vec(payload).unwrap();
    let (signature, timestamp) = sign(key, &body);
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature-ed25519", signature)
        .header("x-signature-timestamp", timestamp)
        .body(body)
        .send()
        .await
        .expect("the door answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The components of an answer's message.
fn components(body: &Value) -> Vec<Value> {
    body["data"]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The ephemeral message a click is made on, as Discord sends it along.
fn message(components: &[Value]) -> Value {
    fixtures::ephemeral_bot_message(
        APP,
        BOT,
        fixtures::snowflake(),
        CHANNEL,
        Some(GUILD),
        "",
        components.to_vec(),
    )
}

/// What Postgres holds against what the bot confirmed.
#[derive(Debug, Default)]
pub struct Check {
    /// Confirmed effects missing from Postgres.
    pub lost: u64,
    /// A second row, or a second quiz attempt, for one learner's one thing.
    pub duplicates: u64,
    /// Half-written state, described.
    pub torn: Vec<String>,
    /// Rows found, for the report.
    pub marks: u64,
    pub answers: u64,
}

/// Checks Postgres against the tally: every confirmed effect there, once,
/// and nothing half-written.
pub async fn check(pool: &PgPool, script: &Script, tally: &Tally) -> Check {
    let (first, last) = (tally.learners.0 as i64, tally.learners.1 as i64);
    let marks: Vec<(i64, String, bool)> = sqlx::query_as(
        "SELECT learner_id, objective_id, ticked FROM checklist_marks
         WHERE lesson_id = $1 AND learner_id BETWEEN $2 AND $3",
    )
    .bind(&script.tick_lesson)
    .bind(first)
    .bind(last)
    .fetch_all(pool)
    .await
    .unwrap();
    let ticked: HashSet<(u64, String)> = marks
        .iter()
        .filter(|m| m.2)
        .map(|(l, o, _)| (*l as u64, o.clone()))
        .collect();
    let answers: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT a.learner_id, q.attempt_id, q.question_id, q.choice_id
         FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id
         WHERE a.lesson_id = $1 AND a.learner_id BETWEEN $2 AND $3",
    )
    .bind(&script.quiz_lesson)
    .bind(first)
    .bind(last)
    .fetch_all(pool)
    .await
    .unwrap();
    let stored: HashMap<(i64, String), (u64, String)> = answers
        .iter()
        .map(|(l, a, q, c)| ((*a, q.clone()), (*l as u64, c.clone())))
        .collect();

    let mut out = Check {
        marks: marks.len() as u64,
        answers: answers.len() as u64,
        ..Check::default()
    };
    for effect in &tally.effects {
        let there = match effect {
            Effect::Tick { learner, objective } => ticked.contains(&(*learner, objective.clone())),
            Effect::Answer {
                learner,
                attempt,
                question,
                choice,
            } => stored.get(&(*attempt, question.clone())) == Some(&(*learner, choice.clone())),
        };
        if !there {
            out.lost += 1;
        }
    }

    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(first)
            .bind(last)
            .fetch_one(pool)
            .await
            .unwrap() as u64
    };
    // Keys are primary keys, so these must be 0 unless the schema changes;
    // the attempts are the real test (a resumed quiz must not start anew).
    out.duplicates += count(
        "SELECT count(*) FROM (SELECT 1 FROM checklist_marks
             WHERE learner_id BETWEEN $1 AND $2
             GROUP BY learner_id, lesson_id, objective_id HAVING count(*) > 1) d",
    )
    .await;
    out.duplicates += count(
        "SELECT count(*) FROM (SELECT 1 FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id
             WHERE a.learner_id BETWEEN $1 AND $2
             GROUP BY q.attempt_id, q.question_id HAVING count(*) > 1) d",
    )
    .await;
    out.duplicates += count(
        "SELECT coalesce(sum(n - 1), 0)::BIGINT FROM (SELECT count(*) AS n FROM quiz_attempts
             WHERE learner_id BETWEEN $1 AND $2 GROUP BY learner_id, lesson_id) d",
    )
    .await;

    let questions = script.questions.len() as i64;
    let torn: Vec<(i64, i64, i64, bool)> = sqlx::query_as(
        "SELECT a.id, a.learner_id, count(q.question_id), a.finished_at IS NOT NULL
         FROM quiz_attempts a LEFT JOIN quiz_answers q ON q.attempt_id = a.id
         WHERE a.learner_id BETWEEN $1 AND $2
         GROUP BY a.id",
    )
    .bind(first)
    .bind(last)
    .fetch_all(pool)
    .await
    .unwrap();
    for (attempt, learner, n, finished) in torn {
        if n > questions || (finished && n != questions) {
            out.torn.push(format!(
                "attempt {attempt} of learner {learner}: {n} answers of {questions}, finished: {finished}"
            ));
        }
    }
    let orphans = count(
        "SELECT count(*) FROM checklist_marks m LEFT JOIN learners l ON l.id = m.learner_id
         WHERE l.id IS NULL AND m.learner_id BETWEEN $1 AND $2",
    )
    .await;
    if orphans > 0 {
        out.torn
            .push(format!("{orphans} ticks without their learner"));
    }
    out
}
