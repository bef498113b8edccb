//! Shared test support: a core on a fresh database, interactions as Discord
//! sends them, and helpers to read the answers. The parts benches share
//! live in the `tutorbot-testkit` crate and are re-exported here, so a test
//! module reaches everything through `crate::support`.

pub use tutorbot_testkit::{
    catalog, core, fake_discord, fixtures, load, process, prompts_dir, round_trips, tcp_proxy,
};

use serde_json::{json, Value};
use serenity::all::Interaction;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::mpsc;

use tutorbot::core::{Answer, Core, Followup};
use tutorbot::doors::wire::{self, ConsoleUser};

/// Followups recorded on a channel, in order.
pub fn recorder() -> (Arc<dyn Followup>, mpsc::UnboundedReceiver<Value>) {
    tutorbot::core::followup::ChannelFollowup::pair()
}

/// A learner with a name, and a counter for unique interaction ids.
pub struct Learner {
    pub user: ConsoleUser,
    seq: std::sync::atomic::AtomicU64,
}

impl Learner {
    pub fn new(name: &str) -> Self {
        Learner {
            user: ConsoleUser::named(name),
            seq: Default::default(),
        }
    }

    pub fn id(&self) -> u64 {
        self.user.id
    }

    fn next(&self) -> u64 {
        self.seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    }

    pub fn command(&self, name: &str, options: Vec<Value>) -> Interaction {
        wire::command(&self.user, name, options, self.next()).expect("valid command payload")
    }

    pub fn lesson(&self, id: &str) -> Interaction {
        self.command(
            "lesson",
            vec![serde_json::json!({"name": "lesson", "type": 3, "value": id})],
        )
    }

    pub fn click(&self, custom_id: &str) -> Interaction {
        wire::component(&self.user, custom_id, self.next()).expect("valid click payload")
    }

    /// A pick of `values` in the select menu `custom_id`, as Discord sends
    /// it (a string select, component type 3).
    pub fn pick(&self, custom_id: &str, values: &[&str]) -> Interaction {
        let click = self.click(custom_id);
        let mut v = serde_json::to_value(&click).expect("interactions serialize");
        // Serenity writes the interaction without its kind: a component's is 3.
        v["type"] = json!(3);
        v["data"] = json!({"custom_id": custom_id, "component_type": 3, "values": values});
        serde_json::from_value(v).expect("valid select payload")
    }
}

/// Calls the core and returns the answer as Discord would receive it.
pub async fn ask(core: &Core, interaction: &Interaction) -> (Answer, Value) {
    let (f, _rx) = recorder();
    let answer = core.handle(interaction, f).await;
    let json = serde_json::to_value(&answer.response).expect("responses serialize");
    assert_mentions_none(&json);
    (answer, json)
}

/// Discord's rule for every message: allowed mentions none, so no text (a
/// teacher's included) can ping. Checked on every answer a test asks for.
pub fn assert_mentions_none(response: &Value) {
    // 4 a message, 7 an update; the others (pong, deferrals, autocomplete)
    // carry no text.
    if matches!(response["type"].as_u64(), Some(4) | Some(7)) {
        assert_eq!(
            response["data"]["allowed_mentions"]["parse"],
            serde_json::json!([]),
            "a message without allowed_mentions none: {response:#}"
        );
    }
}

/// Every button (custom_id, label, style) in a response's data. A select
/// menu's options count as buttons, as the console draws them: each
/// option's value is the button id it stands for (style 2).
pub fn buttons(response: &Value) -> Vec<(String, String, u64)> {
    let data = response.get("data").unwrap_or(response);
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .flat_map(|b| match b["options"].as_array() {
            Some(options) => options
                .iter()
                .map(|o| json!({"custom_id": o["value"], "label": o["label"], "style": 2}))
                .collect(),
            None => vec![b],
        })
        .filter_map(|b| {
            Some((
                b["custom_id"].as_str()?.to_string(),
                b["label"].as_str().unwrap_or_default().to_string(),
                b["style"].as_u64().unwrap_or_default(),
            ))
        })
        .collect()
}

/// The button of a quiz or review choice, found by the choice's text: the
/// embed letters each choice (`**B.** text`) and the button carries the
/// letter.
pub fn choice_button(response: &Value, choice: &str) -> String {
    let shown = text(response);
    let letter = shown
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("**")?;
            let (letter, text) = rest.split_once(".** ")?;
            (text == choice).then(|| letter.to_string())
        })
        .unwrap_or_else(|| panic!("no choice {choice:?} in {shown}"));
    buttons(response)
        .into_iter()
        .find(|(id, label, _)| *label == letter && !id.starts_with("done:"))
        .unwrap_or_else(|| panic!("no button {letter} in {response:#}"))
        .0
}

/// The custom_id of the first button whose label contains `label`.
pub fn button(response: &Value, label: &str) -> String {
    buttons(response)
        .into_iter()
        .find(|(_, l, _)| l.contains(label))
        .unwrap_or_else(|| panic!("no button labelled {label:?} in {response:#}"))
        .0
}

/// All the text a learner would read in a response.
pub fn text(response: &Value) -> String {
    let data = response.get("data").unwrap_or(response);
    let mut out = String::new();
    if let Some(c) = data["content"].as_str() {
        out.push_str(c);
        out.push('\n');
    }
    for e in data["embeds"].as_array().into_iter().flatten() {
        if let Some(a) = e["author"]["name"].as_str() {
            out.push_str(a);
            out.push('\n');
        }
        for key in ["title", "description"] {
            if let Some(t) = e[key].as_str() {
                out.push_str(t);
                out.push('\n');
            }
        }
    }
    out
}

/// Whether a response is an ephemeral new message (flags bit 64).
pub fn is_ephemeral(response: &Value) -> bool {
    response["type"] == 4 && response["data"]["flags"].as_u64().unwrap_or(0) & 64 == 64
}

/// The URL of the test's own fresh database (same server as DATABASE_URL),
/// for a subprocess.
pub async fn url_of(pool: &PgPool) -> String {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for tests");
    let (server, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL ends with /database");
    format!("{server}/{db}")
}

/// What the core answers to a Discord payload, as JSON.
pub async fn core_answer(core: &Core, payload: &Value) -> Value {
    let interaction: Interaction = serde_json::from_value(payload.clone()).unwrap();
    ask(core, &interaction).await.1
}

/// A learner's checklist marks as stored: objective id to ticked.
pub async fn marks(pool: &PgPool, learner: u64) -> std::collections::BTreeMap<String, bool> {
    sqlx::query_as::<_, (String, bool)>(
        "SELECT objective_id, ticked FROM checklist_marks WHERE learner_id = $1",
    )
    .bind(learner as i64)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

/// The custom_ids in a message that start with `prefix`.
pub fn id_with_prefix(message: &Value, prefix: &str) -> Vec<String> {
    fixtures::custom_ids(message)
        .into_iter()
        .filter(|id| id.starts_with(prefix))
        .collect()
}

/// Serves an in-process HTTP door on `listener` until aborted, under
/// `limits`, with `/healthz` and `/metrics` on the same listener (a real
/// process serves those on `OPS_ADDR`; in-process tests want one address).
pub fn serve_http_door(
    door: Arc<tutorbot::doors::http::HttpDoor>,
    listener: tokio::net::TcpListener,
    limits: tutorbot::doors::server::ServeLimits,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let routes = tutorbot::doors::http::router(Arc::clone(&door)).merge(door.ops_router());
    let metrics = Arc::clone(door.metrics());
    tokio::spawn(tutorbot::doors::server::serve(
        listener,
        routes,
        std::future::pending(),
        limits,
        metrics,
    ))
}
