//! The fake Discord drives the real serenity 0.12.5 client end to end, offline.

use crate::support;

use std::sync::Arc;

use serde_json::{json, Value};
use serenity::all::{
    async_trait, Command, CommandOptionType, Context, CreateActionRow, CreateAttachment,
    CreateAutocompleteResponse, CreateButton, CreateCommand, CreateCommandOption,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    EditInteractionResponse, EventHandler, GatewayIntents, GuildId, Interaction, InteractionId,
    Message, Ready, ShardManager,
};
use support::fake_discord::{FakeDiscord, FakeDiscordConfig, FLAG_EPHEMERAL, FLAG_LOADING};
use support::fixtures::*;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const TOKEN: &str = "fake-bot-token";
const GUILD: u64 = 1_200_000_000_000_000_001;
const CHANNEL: u64 = 1_200_000_000_000_000_002;
const USER: u64 = 1_200_000_000_000_000_003;
const COMMAND_ID: u64 = 1_200_000_000_000_000_004;

/// A running serenity client; `stop` shuts its shards down cleanly.
struct RunningClient {
    manager: Arc<ShardManager>,
    task: JoinHandle<serenity::Result<()>>,
}

impl RunningClient {
    async fn start(fake: &FakeDiscord, handler: impl EventHandler + 'static) -> Self {
        Self::start_shard(fake, handler, None).await
    }

    /// `shard: Some((id, total))` runs only that shard (as one of several processes would).
    async fn start_shard(
        fake: &FakeDiscord,
        handler: impl EventHandler + 'static,
        shard: Option<(u32, u32)>,
    ) -> Self {
        let mut client = fake
            .client_builder(TOKEN, GatewayIntents::GUILDS)
            .event_handler(handler)
            .await
            .expect("build serenity client");
        let manager = Arc::clone(&client.shard_manager);
        let task = tokio::spawn(async move {
            match shard {
                None => client.start().await,
                Some((id, total)) => client.start_shard(id, total).await,
            }
        });
        Self { manager, task }
    }

    /// Call only once the client identified: serenity's `shutdown_all` returns early (and
    /// `start` never returns) when no shard runner exists yet.
    async fn stop(self) {
        self.manager.shutdown_all().await;
        self.task
            .await
            .expect("client task")
            .expect("client.start() result");
    }
}

/// What the handlers report back to the test.
#[derive(Debug)]
enum Outcome {
    Registered(Vec<Command>),
    Edited(Box<Message>),
    Failed(String),
}

/// On ready: registers one guild command. On `/lesson`: answers ephemerally, then edits the
/// original response.
struct LessonBot {
    tx: mpsc::UnboundedSender<Outcome>,
}

#[async_trait]
impl EventHandler for LessonBot {
    async fn ready(&self, ctx: Context, _ready: Ready) {
        let command = CreateCommand::new("lesson")
            .description("Start a lesson")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "topic", "Which lesson")
                    .required(true),
            );
        let outcome = match GuildId::new(GUILD)
            .set_commands(&ctx.http, vec![command])
            .await
        {
            Ok(commands) => Outcome::Registered(commands),
            Err(e) => Outcome::Failed(format!("register: {e}")),
        };
        let _ = self.tx.send(outcome);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Interaction::Command(cmd) = interaction else {
            return;
        };
        let first = CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .content("Starting the lesson…")
                .ephemeral(true),
        );
        if let Err(e) = cmd.create_response(&ctx.http, first).await {
            let _ = self.tx.send(Outcome::Failed(format!("respond: {e}")));
            return;
        }
        let edit = EditInteractionResponse::new()
            .content("Lesson: async")
            .components(vec![CreateActionRow::Buttons(vec![
                CreateButton::new("check:1").label("Done"),
                CreateButton::new("quiz:start").label("Quiz"),
            ])]);
        let outcome = match cmd.edit_response(&ctx.http, edit).await {
            Ok(message) => Outcome::Edited(Box::new(message)),
            Err(e) => Outcome::Failed(format!("edit: {e}")),
        };
        let _ = self.tx.send(outcome);
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Outcome>) -> Outcome {
    tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
        .await
        .expect("handler outcome within 30 s")
        .expect("handler alive")
}

#[tokio::test]
async fn command_round_trip_through_the_real_client() {
    let fake = FakeDiscord::start().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let client = RunningClient::start(&fake, LessonBot { tx }).await;

    let identify = fake.wait_identified().await;
    assert_eq!(identify.intents(), GatewayIntents::GUILDS);
    assert_eq!(identify.shard(), [0, 1]);
    assert_eq!(
        identify.token,
        format!("Bot {TOKEN}"),
        "serenity 0.12.5 identifies with the `Bot ` prefix"
    );
    assert!(
        identify.compress,
        "serenity 0.12.5 always asks for compress: true"
    );

    // Registration on ready.
    let commands = match next(&mut rx).await {
        Outcome::Registered(commands) => commands,
        Outcome::Failed(why) => panic!("registration failed: {why}"),
        other => panic!("expected registration, got {other:?}"),
    };
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].name, "lesson");
    assert_eq!(commands[0].guild_id, Some(GuildId::new(GUILD)));
    let put = fake.wait_command_overwrite().await;
    assert!(put.is_guild_command_overwrite(GUILD));
    assert_eq!(put.body[0]["name"], "lesson");
    assert_eq!(put.body[0]["options"][0]["name"], "topic");
    assert_eq!(put.authorization.as_deref(), Some("Bot fake-bot-token"));
    assert_eq!(fake.commands(Some(GUILD)).len(), 1);

    // A slash command comes in through the gateway.
    let origin = Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        USER,
        GUILD,
        CHANNEL,
    );
    let payload = slash_command(
        &origin,
        COMMAND_ID,
        "lesson",
        vec![opt_string("topic", "async")],
    );
    let dispatched = fake.dispatch_interaction(payload).await;
    assert_eq!(dispatched.shard_id, 0);
    assert_eq!(dispatched.seq, 2, "READY was 1");

    let callback = fake.wait_interaction_callback(origin.interaction_id).await;
    assert_eq!(callback.status, 204);
    assert_eq!(callback.callback_type(), Some(4));
    assert_eq!(callback.content(), Some("Starting the lesson…"));
    assert!(callback.is_ephemeral());

    let edit = fake.wait_original_edit(&origin.token).await;
    assert_eq!(edit.status, 200);
    assert_eq!(edit.body["content"], "Lesson: async");
    assert!(edit.index > callback.index);
    assert_eq!(custom_ids(&edit.body), vec!["check:1", "quiz:start"]);

    let message = match next(&mut rx).await {
        Outcome::Edited(message) => message,
        Outcome::Failed(why) => panic!("handler failed: {why}"),
        other => panic!("expected the edit, got {other:?}"),
    };
    assert_eq!(message.content, "Lesson: async");
    assert_eq!(message.components.len(), 1);
    assert_eq!(message.channel_id.get(), CHANNEL);
    assert!(message.flags.unwrap().bits() & FLAG_EPHEMERAL != 0);

    let original = fake
        .original_message(&origin.token)
        .expect("original exists");
    assert_eq!(original["content"], "Lesson: async");

    // serenity's startup REST calls: only GET /gateway (no /users/@me, no /gateway/bot).
    let startup: Vec<String> = fake
        .calls()
        .iter()
        .filter(|c| c.method == "GET")
        .map(|c| c.path.clone())
        .collect();
    assert_eq!(startup, vec!["/api/v10/gateway".to_string()]);
    fake.assert_no_error_calls();

    client.stop().await;
    fake.wait_all_disconnected().await;
}

/// A component click answered with UPDATE_MESSAGE (7) changes the message the button was on.
struct QuizBot;

#[async_trait]
impl EventHandler for QuizBot {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Component(c) => {
                let reply = CreateInteractionResponse::UpdateMessage(
                    CreateInteractionResponseMessage::new()
                        .content(format!("You chose {}", c.data.custom_id))
                        .components(vec![]),
                );
                c.create_response(&ctx.http, reply).await.expect("update");
            }
            Interaction::Autocomplete(a) => {
                let typed = a
                    .data
                    .autocomplete()
                    .map(|o| o.value.to_owned())
                    .unwrap_or_default();
                let reply = CreateInteractionResponse::Autocomplete(
                    CreateAutocompleteResponse::new()
                        .add_string_choice(format!("{typed}ync"), "async")
                        .add_string_choice("threads", "threads"),
                );
                a.create_response(&ctx.http, reply)
                    .await
                    .expect("autocomplete");
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn button_click_and_autocomplete() {
    let fake = FakeDiscord::start().await;
    let client = RunningClient::start(&fake, QuizBot).await;
    fake.wait_identified().await;

    for origin in [
        Origin::guild(
            fake.application_id(),
            snowflake(),
            interaction_token(),
            USER,
            GUILD,
            CHANNEL,
        ),
        Origin::dm(
            fake.application_id(),
            snowflake(),
            interaction_token(),
            USER,
            CHANNEL,
        ),
    ] {
        let message_id = snowflake();
        let message = ephemeral_bot_message(
            fake.application_id(),
            fake.bot_user_id(),
            message_id,
            origin.channel_id,
            origin.guild_id,
            "Which one runs concurrently?",
            vec![action_row(vec![
                button("quiz:q1:a", "gather", 1),
                button("quiz:q1:b", "for loop", 1),
            ])],
        );
        fake.dispatch_interaction(button_click(&origin, "quiz:q1:a", message))
            .await;
        let callback = fake.wait_interaction_callback(origin.interaction_id).await;
        assert_eq!(callback.callback_type(), Some(7));
        assert_eq!(callback.content(), Some("You chose quiz:q1:a"));
        let updated = fake
            .original_message(&origin.token)
            .expect("updated message");
        assert_eq!(
            updated["id"],
            message_id.to_string(),
            "type 7 edits the clicked message"
        );
        assert_eq!(updated["content"], "You chose quiz:q1:a");
        assert_eq!(updated["components"], json!([]));
    }

    let origin = Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        USER,
        GUILD,
        CHANNEL,
    );
    fake.dispatch_interaction(autocomplete(
        &origin,
        COMMAND_ID,
        "lesson",
        vec![opt_focused("topic", OPTION_STRING, "as")],
    ))
    .await;
    let callback = fake.wait_interaction_callback(origin.interaction_id).await;
    assert_eq!(callback.callback_type(), Some(8));
    assert_eq!(
        callback.body["data"]["choices"][0],
        json!({ "name": "async", "value": "async" })
    );
    assert!(fake.original_message(&origin.token).is_none());
    fake.assert_no_error_calls();

    client.stop().await;
}

/// Defer, then edit, then a follow-up with a file (multipart).
struct DemoBot;

#[async_trait]
impl EventHandler for DemoBot {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Interaction::Command(cmd) = interaction else {
            return;
        };
        cmd.defer_ephemeral(&ctx.http).await.expect("defer");
        cmd.edit_response(
            &ctx.http,
            EditInteractionResponse::new().content("sequential 5.0 s, gather 1.0 s"),
        )
        .await
        .expect("edit");
        let followup = CreateInteractionResponseFollowup::new()
            .content("timeline attached")
            .ephemeral(true)
            .add_file(CreateAttachment::bytes(
                b"0.0 start\n1.0 end\n".to_vec(),
                "timeline.txt",
            ));
        cmd.create_followup(&ctx.http, followup)
            .await
            .expect("followup");
    }
}

#[tokio::test]
async fn defer_edit_and_followup_with_a_file() {
    let fake = FakeDiscord::start().await;
    let client = RunningClient::start(&fake, DemoBot).await;

    let origin = Origin::dm(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        USER,
        CHANNEL,
    );
    fake.dispatch_interaction(slash_command(
        &origin,
        COMMAND_ID,
        "demo",
        vec![opt_subcommand("gather", vec![opt_integer("n", 5)])],
    ))
    .await;

    let callback = fake.wait_interaction_callback(origin.interaction_id).await;
    assert_eq!(callback.callback_type(), Some(5));
    assert_eq!(callback.body["data"]["flags"], 64);

    let edit = fake.wait_original_edit(&origin.token).await;
    assert_eq!(edit.body["content"], "sequential 5.0 s, gather 1.0 s");

    let followup = fake.wait_followup(&origin.token).await;
    assert_eq!(followup.status, 200);
    assert_eq!(
        followup.body["content"], "timeline attached",
        "payload_json is the body"
    );
    assert_eq!(followup.attachments.len(), 1);
    assert_eq!(followup.attachments[0].filename, "timeline.txt");
    assert_eq!(followup.attachments[0].size, 18);
    assert_eq!(followup.attachments[0].field, "files[0]");
    assert_eq!(followup.attachments[0].data, b"0.0 start\n1.0 end\n");
    assert!(followup.is_ephemeral());
    assert_eq!(
        followup.response["attachments"][0]["filename"],
        "timeline.txt"
    );

    let original = fake.original_message(&origin.token).unwrap();
    assert_eq!(
        original["flags"], FLAG_EPHEMERAL,
        "LOADING cleared by the edit"
    );
    assert_eq!(original["flags"].as_u64().unwrap() & FLAG_LOADING, 0);
    assert_eq!(fake.followup_messages(&origin.token).len(), 1);
    fake.assert_no_error_calls();

    client.stop().await;
}

/// Answers every command with the shard it arrived on.
struct ShardEcho;

#[async_trait]
impl EventHandler for ShardEcho {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Interaction::Command(cmd) = interaction else {
            return;
        };
        let reply = CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new().content(format!("shard {}", ctx.shard_id.0)),
        );
        cmd.create_response(&ctx.http, reply)
            .await
            .expect("respond");
    }
}

/// A guild id that Discord routes to `shard` of `total`.
fn guild_on_shard(shard: u64, total: u64) -> u64 {
    (1_000_000u64..)
        .map(|n| n << 22)
        .find(|g| (g >> 22) % total == shard)
        .unwrap()
}

#[tokio::test]
async fn two_processes_split_the_shards() {
    let fake = FakeDiscord::start().await;
    // Two clients with disjoint shard ranges and the same total, as two processes would run.
    let a = RunningClient::start_shard(&fake, ShardEcho, Some((0, 2))).await;
    let b = RunningClient::start_shard(&fake, ShardEcho, Some((1, 2))).await;

    let mut shards: Vec<[u32; 2]> = fake
        .wait_identifies(2)
        .await
        .iter()
        .map(|i| i.shard())
        .collect();
    shards.sort();
    assert_eq!(shards, vec![[0, 2], [1, 2]]);
    fake.wait_shard_ready(0).await;
    fake.wait_shard_ready(1).await;

    for shard in [0u32, 1] {
        let guild = guild_on_shard(u64::from(shard), 2);
        let origin = Origin::guild(
            fake.application_id(),
            snowflake(),
            interaction_token(),
            USER,
            guild,
            CHANNEL,
        );
        let d = fake
            .dispatch_interaction(slash_command(&origin, COMMAND_ID, "progress", vec![]))
            .await;
        assert_eq!(d.shard_id, shard);
        let callback = fake.wait_interaction_callback(origin.interaction_id).await;
        assert_eq!(callback.content(), Some(format!("shard {shard}").as_str()));
    }
    // DMs go to shard 0.
    let origin = Origin::dm(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        USER,
        CHANNEL,
    );
    assert_eq!(
        fake.dispatch_interaction(slash_command(&origin, COMMAND_ID, "progress", vec![]))
            .await
            .shard_id,
        0
    );
    assert_eq!(
        fake.wait_interaction_callback(origin.interaction_id)
            .await
            .content(),
        Some("shard 0")
    );

    a.stop().await;
    b.stop().await;
    fake.wait_all_disconnected().await;
}

#[tokio::test]
async fn reconnect_request_resumes_the_session() {
    let fake = FakeDiscord::start().await;
    let client = RunningClient::start(&fake, ShardEcho).await;
    let identify = fake.wait_identified().await;

    fake.request_reconnect(0).await;
    let resumes = fake.wait_resumes(1).await;
    assert!(resumes[0].accepted);
    assert_eq!(resumes[0].session_id, identify.session_id);
    assert_eq!(
        resumes[0].seq, 1,
        "serenity resumes from the last sequence it saw (READY)"
    );
    fake.wait_shard_ready(0).await;

    let origin = Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        USER,
        GUILD,
        CHANNEL,
    );
    let d = fake
        .dispatch_interaction(slash_command(&origin, COMMAND_ID, "progress", vec![]))
        .await;
    assert_eq!(d.seq, 3, "READY 1, RESUMED 2, then this");
    assert_eq!(
        fake.wait_interaction_callback(origin.interaction_id)
            .await
            .content(),
        Some("shard 0")
    );
    assert_eq!(fake.identifies().len(), 1, "resumed, not re-identified");

    // A network cut: serenity reconnects and resumes again.
    fake.drop_shard_connection(0).await;
    let resumes = fake.wait_resumes(2).await;
    assert!(resumes[1].accepted);
    assert_eq!(resumes[1].seq, 3);
    fake.wait_shard_ready(0).await;

    client.stop().await;
}

#[tokio::test]
async fn heartbeats_are_acknowledged() {
    let fake = FakeDiscord::start_with(FakeDiscordConfig {
        heartbeat_interval_ms: 250,
        ..Default::default()
    })
    .await;
    let client = RunningClient::start(&fake, ShardEcho).await;
    fake.wait_identified().await;
    fake.wait_heartbeats(2).await;
    assert_eq!(fake.identifies().len(), 1);
    client.stop().await;
    fake.wait_all_disconnected().await;
}

#[tokio::test]
async fn discord_rules_are_enforced() {
    let fake = FakeDiscord::start().await;
    let http = fake.http(TOKEN);
    let origin = Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        USER,
        GUILD,
        CHANNEL,
    );
    fake.register_interaction(&slash_command(&origin, COMMAND_ID, "lesson", vec![]));
    let id = InteractionId::new(origin.interaction_id);

    // The original response does not exist before the callback.
    let early = http
        .edit_original_interaction_response(&origin.token, &json!({ "content": "x" }), vec![])
        .await;
    assert!(early.is_err());
    assert_eq!(fake.calls().last().unwrap().status, 404);

    // Follow-ups only after acknowledgement.
    assert!(http
        .create_followup_message(&origin.token, &json!({ "content": "x" }), vec![])
        .await
        .is_err());

    // Too long: 400 Invalid Form Body (serenity's builders would refuse first; raw JSON does not).
    let long = json!({ "type": 4, "data": { "content": "a".repeat(2001) } });
    assert!(http
        .create_interaction_response(id, &origin.token, &long, vec![])
        .await
        .is_err());
    let rejected = fake.calls().last().unwrap().clone();
    assert_eq!(
        (rejected.status, rejected.response["code"].as_u64()),
        (400, Some(50035))
    );

    // Duplicate custom ids are refused too.
    let dup = json!({ "type": 4, "data": { "components": [{ "type": 1, "components": [
        { "type": 2, "style": 1, "label": "A", "custom_id": "same" },
        { "type": 2, "style": 1, "label": "B", "custom_id": "same" }
    ]}]}});
    assert!(http
        .create_interaction_response(id, &origin.token, &dup, vec![])
        .await
        .is_err());

    // UPDATE_MESSAGE is not valid for a slash command.
    let update = json!({ "type": 7, "data": { "content": "x" } });
    assert!(http
        .create_interaction_response(id, &origin.token, &update, vec![])
        .await
        .is_err());

    // Rejected callbacks did not acknowledge; this one does, once.
    let ok = json!({ "type": 4, "data": { "content": "hello" } });
    http.create_interaction_response(id, &origin.token, &ok, vec![])
        .await
        .expect("first ack");
    let again = http
        .create_interaction_response(id, &origin.token, &ok, vec![])
        .await;
    assert!(again.is_err());
    assert_eq!(fake.calls().last().unwrap().response["code"], 40060);

    // Now edits and follow-ups work.
    let edited = http
        .edit_original_interaction_response(&origin.token, &json!({ "content": "edited" }), vec![])
        .await
        .expect("edit");
    assert_eq!(edited.content, "edited");
    http.create_followup_message(&origin.token, &json!({ "content": "more" }), vec![])
        .await
        .expect("followup");

    // Webhooks of another application are unknown.
    let other = serenity::http::HttpBuilder::new(TOKEN)
        .proxy(fake.api_base())
        .ratelimiter_disabled(true)
        .application_id(serenity::all::ApplicationId::new(42))
        .build();
    assert!(other
        .get_original_interaction_response(&origin.token)
        .await
        .is_err());
    assert_eq!(fake.calls().last().unwrap().response["code"], 10015);

    // Fault injection: an expired token.
    let token = origin.token.clone();
    fake.respond_once(
        move |c| c.is_original_edit(&token),
        404,
        json!({ "message": "Unknown Webhook", "code": 10015 }),
    );
    assert!(http
        .edit_original_interaction_response(&origin.token, &json!({ "content": "late" }), vec![])
        .await
        .is_err());
    assert_eq!(
        fake.original_message(&origin.token).unwrap()["content"],
        "edited"
    );
}

#[tokio::test]
async fn command_registration_returns_serenity_commands() {
    let fake = FakeDiscord::start().await;
    let http = fake.http(TOKEN);
    let commands = vec![
        CreateCommand::new("lesson")
            .description("Start a lesson")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "topic", "Which lesson")
                    .required(true)
                    .set_autocomplete(true),
            ),
        CreateCommand::new("demo")
            .description("Run a demo")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::SubCommand,
                    "gather",
                    "Fetch concurrently",
                )
                .add_sub_option(
                    CreateCommandOption::new(CommandOptionType::Integer, "n", "How many")
                        .min_int_value(1)
                        .max_int_value(10),
                ),
            ),
        CreateCommand::new("progress").description("Your progress"),
    ];
    let registered = Command::set_global_commands(&http, commands.clone())
        .await
        .expect("global overwrite");
    assert_eq!(registered.len(), 3);
    assert!(fake
        .wait_command_overwrite()
        .await
        .is_global_command_overwrite());
    let ids: Vec<_> = registered.iter().map(|c| c.id).collect();

    // Overwriting again keeps the ids of commands with the same name, like Discord.
    let again = Command::set_global_commands(&http, commands)
        .await
        .expect("second overwrite");
    assert_eq!(again.iter().map(|c| c.id).collect::<Vec<_>>(), ids);
    let listed = Command::get_global_commands(&http).await.expect("list");
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[1].options[0].options[0].name, "n");

    // Discord refuses upper-case names.
    let bad =
        Command::set_global_commands(&http, vec![CreateCommand::new("Lesson").description("x")])
            .await;
    assert!(bad.is_err());
    assert_eq!(
        fake.commands(None).len(),
        3,
        "a refused overwrite changes nothing"
    );
}

#[tokio::test]
async fn http_endpoint_door() {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use serenity::interactions_endpoint::Verifier;

    let fake = FakeDiscord::start().await;
    // A minimal interactions endpoint: verify, parse, answer inline.
    let verifier = Arc::new(Verifier::new(&fake.public_key_hex()));
    let app = axum::Router::new().route(
        "/interactions",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let verifier = Arc::clone(&verifier);
            async move {
                let header = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                if verifier
                    .verify(
                        &header("X-Signature-Ed25519"),
                        &header("X-Signature-Timestamp"),
                        &body,
                    )
                    .is_err()
                {
                    return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
                }
                let interaction: Interaction = serde_json::from_slice(&body).expect("interaction");
                let reply = match interaction {
                    Interaction::Ping(_) => CreateInteractionResponse::Pong,
                    _ => CreateInteractionResponse::Message(
                        CreateInteractionResponseMessage::new().content("inline hello"),
                    ),
                };
                axum::Json(reply).into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let ping = fake
        .post_interaction(
            &url,
            &ping(fake.application_id(), snowflake(), "ping-token"),
        )
        .await;
    assert_eq!(
        (ping.status, &ping.body["type"]),
        (200, &json!(1)),
        "serenity serializes Pong as {}",
        ping.body
    );

    let origin = Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        USER,
        GUILD,
        CHANNEL,
    );
    let payload = slash_command(&origin, COMMAND_ID, "lesson", vec![]);
    let answer = fake.post_interaction(&url, &payload).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["data"]["content"], "inline hello");
    let inline = fake.wait_interaction_callback(origin.interaction_id).await;
    assert!(inline.inline);
    assert_eq!(inline.callback_type(), Some(4));

    // After the inline answer, the bot edits through REST as usual.
    let http = fake.http(TOKEN);
    http.edit_original_interaction_response(&origin.token, &json!({ "content": "later" }), vec![])
        .await
        .expect("edit after inline answer");
    assert_eq!(
        fake.original_message(&origin.token).unwrap()["content"],
        "later"
    );

    // A tampered body fails verification.
    let body = serde_json::to_vec(&payload).unwrap();
    let signature = fake.sign("1700000000", &body);
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let rejected = fake
        .post_interaction_raw(&url, tampered, &signature, "1700000000")
        .await;
    assert_eq!(rejected.status, 401);

    server.abort();
}

/// The bodies the fake hands back deserialize into what serenity expects.
#[tokio::test]
async fn fake_answers_parse_as_serenity_types() {
    let fake = FakeDiscord::start().await;
    let http = fake.http(TOKEN);
    let user = http.get_current_user().await.expect("current user");
    assert_eq!(user.id.get(), fake.bot_user_id());
    let app = http
        .get_current_application_info()
        .await
        .expect("application info");
    assert_eq!(app.id.get(), fake.application_id());
    let gateway = http.get_bot_gateway().await.expect("bot gateway");
    assert_eq!(gateway.url, fake.gateway_url());
    let body: Value = reqwest::get(format!("{}/api/v10/nope", fake.api_base()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["message"], "404: Not Found");
    assert_eq!(fake.calls().len(), 4);
}

#[tokio::test]
async fn a_wrong_token_stops_the_client_with_an_error() {
    let fake = FakeDiscord::start_with(FakeDiscordConfig {
        token: Some("the-real-token".into()),
        ..Default::default()
    })
    .await;
    let mut client = fake
        .client_builder("a-wrong-token", GatewayIntents::GUILDS)
        .event_handler(ShardEcho)
        .await
        .expect("build serenity client");
    let result = client.start().await;
    assert!(
        matches!(
            result,
            Err(serenity::Error::Gateway(
                serenity::gateway::GatewayError::InvalidAuthentication
            ))
        ),
        "got {result:?}"
    );
    assert!(
        fake.identifies().is_empty(),
        "refused IDENTIFYs are not recorded"
    );
    assert_eq!(fake.calls()[0].path, "/api/v10/gateway");
    assert_eq!(fake.calls()[0].status, 200);
}
