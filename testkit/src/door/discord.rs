//! The two Discord doors, driven through the fake Discord.
//!
//! Both build the interactions Discord would send (with [`crate::fixtures`])
//! for one learner in one guild channel, and read back the answer the fake
//! recorded: the callback the gateway door made through REST, or the inline
//! answer of the HTTP door. The fake checks Discord's limits on each, so
//! every step of a scenario is also a check that Discord would take it. A
//! click carries the message it was on, as Discord's does: the message the
//! fake holds for the last answer.

use serde_json::Value;
use sqlx::PgPool;
use tutorbot::doors::gateway::{Gateway, GatewayOptions};

use super::{Door, Seen};
use crate::fake_discord::{FakeDiscord, RecordedCall};
use crate::fixtures::{self, Origin};
use crate::process::{BotEnv, BotProcess};

const TOKEN: &str = "fake-bot-token";
const GUILD: u64 = 1_500_000_000_000_000_001;
const CHANNEL: u64 = 1_500_000_000_000_000_002;
const COMMAND_ID: u64 = 1_500_000_000_000_000_004;

/// A learner's session with a Discord door: who they are and the message
/// they last saw.
struct Session {
    fake: FakeDiscord,
    pool: PgPool,
    /// The learner's last interaction (the next is `origin.next()`).
    origin: Origin,
    /// The token whose message is on screen (a click's `message`).
    showing: Option<String>,
    /// What that message shows.
    last: Seen,
}

impl Session {
    async fn new(pool: &PgPool, learner: &str) -> Session {
        let fake = FakeDiscord::start().await;
        // One learner, one user id, the same across restarts.
        let user = fixtures::snowflake();
        let origin = Origin::guild(
            fake.application_id(),
            fixtures::snowflake(),
            fixtures::interaction_token(),
            user,
            GUILD,
            CHANNEL,
        )
        .with_username(learner);
        Session {
            fake,
            pool: pool.clone(),
            origin,
            showing: None,
            last: Seen::default(),
        }
    }

    fn command_payload(&mut self, name: &str, options: &[(&str, &str)]) -> Value {
        self.origin = self.origin.next();
        let options = options
            .iter()
            .map(|(n, v)| fixtures::opt_string(n, v))
            .collect();
        fixtures::slash_command(&self.origin, COMMAND_ID, name, options)
    }

    fn click_payload(&mut self, label: &str) -> Value {
        let on = self
            .showing
            .clone()
            .expect("a click needs a message on screen");
        let message = self
            .fake
            .original_message(&on)
            .expect("the fake holds the message on screen");
        let index = self.last.position(label);
        let (clicked, menu) = super::clickables(&message)
            .into_iter()
            .nth(index)
            .unwrap_or_else(|| panic!("button {index} is not in {message:#}"));
        self.origin = self.origin.next();
        match menu {
            // An option of a select menu: the menu's id, the option's value.
            Some(menu) => fixtures::select_choice(
                &self.origin,
                menu["custom_id"].as_str().unwrap_or_default(),
                &[clicked["value"].as_str().unwrap_or_default()],
                message,
            ),
            None => fixtures::button_click(
                &self.origin,
                clicked["custom_id"].as_str().unwrap_or_default(),
                message,
            ),
        }
    }

    /// What the learner sees once `call` (the first answer) is in.
    async fn seen(&mut self, call: RecordedCall, click: bool) -> Seen {
        let token = self.origin.token.clone();
        let mut seen = match call.callback_type() {
            Some(4) | Some(7) => Seen::from_message(call.message()),
            // Deferred: the answer is the edit that follows.
            Some(5) | Some(6) => {
                let edit = self.fake.wait_original_edit(&token).await;
                assert!(edit.succeeded(), "{}", edit.response);
                Seen::from_message(&edit.body)
            }
            other => panic!("unexpected callback type {other:?}: {}", call.body),
        };
        if click {
            seen.in_place = Some(matches!(call.callback_type(), Some(6 | 7)));
        }
        // An update keeps the flags of the message it updates.
        if let Some(message) = self.fake.original_message(&token) {
            seen.ephemeral = Some(message["flags"].as_u64().unwrap_or(0) & 64 != 0);
        }
        self.showing = Some(token);
        self.last = seen.clone();
        seen
    }
}

/// The gateway door in this process: the real serenity client on the fake's
/// gateway, the core on the test's database.
pub struct GatewayDoor {
    session: Session,
    gateway: Option<Gateway>,
    starts: usize,
}

impl GatewayDoor {
    async fn start(&mut self) {
        let options = GatewayOptions {
            api_base: Some(self.session.fake.api_base()),
            ..GatewayOptions::new(TOKEN.into())
        };
        let core = crate::core(self.session.pool.clone());
        let gateway = Gateway::start(core, options)
            .await
            .expect("the gateway door starts");
        self.starts += 1;
        self.session.fake.wait_identifies(self.starts).await;
        self.gateway = Some(gateway);
    }

    async fn stop(&mut self) {
        if let Some(gateway) = self.gateway.take() {
            gateway.shutdown().await.expect("a clean shutdown");
            self.session.fake.wait_all_disconnected().await;
        }
    }

    async fn deliver(&mut self, payload: Value, click: bool) -> Seen {
        let fake = &self.session.fake;
        fake.dispatch_interaction(payload.clone()).await;
        let call = fake
            .wait_interaction_callback(self.session.origin.interaction_id)
            .await;
        assert!(!call.inline);
        assert_eq!(
            call.status, 204,
            "Discord refused the answer: {}",
            call.response
        );
        assert_eq!(
            call.authorization.as_deref(),
            Some(format!("Bot {TOKEN}").as_str())
        );
        self.session.seen(call, click).await
    }
}

impl Door for GatewayDoor {
    const NAME: &'static str = "gateway";

    async fn open(pool: &PgPool, learner: &str) -> Self {
        let mut door = GatewayDoor {
            session: Session::new(pool, learner).await,
            gateway: None,
            starts: 0,
        };
        door.start().await;
        door
    }

    async fn command(&mut self, name: &str, options: &[(&str, &str)]) -> Seen {
        let payload = self.session.command_payload(name, options);
        self.deliver(payload, false).await
    }

    async fn click(&mut self, label: &str) -> Seen {
        let payload = self.session.click_payload(label);
        self.deliver(payload, true).await
    }

    async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    async fn close(mut self) {
        self.stop().await;
        self.session.fake.assert_no_error_calls();
    }
}

/// The HTTP door as its own process (`tutorbot http`), signed for and
/// calling back to the fake.
pub struct HttpDoor {
    session: Session,
    process: Option<BotProcess>,
}

impl HttpDoor {
    async fn start(&mut self) {
        let url = database_url(&self.session.pool).await;
        let fake = &self.session.fake;
        let mut env = BotEnv::http(&url, &fake.public_key_hex(), "127.0.0.1:0");
        env.set("DISCORD_API_BASE", &fake.api_base())
            .set("DISCORD_TOKEN", TOKEN)
            // Scenarios test flows, not the per-learner throttle (floods.rs
            // does): a quiz played through is two clicks a question, faster
            // than a person, and must not depend on the quiz's length.
            .set("LEARNER_BURST", "10000");
        self.process = Some(BotProcess::spawn(&env).await);
    }

    async fn stop(&mut self) {
        if let Some(process) = self.process.take() {
            let (status, stderr) = process.terminate().await;
            assert!(status.success(), "exit {status}: {stderr}");
        }
    }

    async fn deliver(&mut self, payload: Value, click: bool) -> Seen {
        let url = self.process.as_ref().expect("the door runs").url();
        let fake = &self.session.fake;
        let answer = fake.post_interaction(&url, &payload).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let call = fake
            .wait_interaction_callback(self.session.origin.interaction_id)
            .await;
        assert!(call.inline);
        assert!(
            call.succeeded(),
            "Discord would refuse this answer: {}",
            call.response
        );
        assert_eq!(call.body, answer.body);
        self.session.seen(call, click).await
    }
}

/// The URL of the pool's own database (same server as `DATABASE_URL`), for
/// a child process.
async fn database_url(pool: &PgPool) -> String {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .expect("the test database answers");
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for tests");
    let (server, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL ends with /database");
    format!("{server}/{db}")
}

impl Door for HttpDoor {
    const NAME: &'static str = "http";

    async fn open(pool: &PgPool, learner: &str) -> Self {
        let mut door = HttpDoor {
            session: Session::new(pool, learner).await,
            process: None,
        };
        door.start().await;
        door
    }

    async fn command(&mut self, name: &str, options: &[(&str, &str)]) -> Seen {
        let payload = self.session.command_payload(name, options);
        self.deliver(payload, false).await
    }

    async fn click(&mut self, label: &str) -> Seen {
        let payload = self.session.click_payload(label);
        self.deliver(payload, true).await
    }

    async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    async fn close(mut self) {
        self.stop().await;
        self.session.fake.assert_no_error_calls();
    }
}
