//! Interaction payloads exactly as Discord sends them, for the end-to-end tests.
//!
//! Every builder returns a `serde_json::Value` shaped like the interaction object in
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object>,
//! with every field serenity 0.12.5 needs to deserialize it into
//! `serenity::model::application::Interaction` (notably `locale`, `entitlements`,
//! `attachment_size_limit`, `version` and, for components, the full `message` the component
//! was on). The same value can be sent through the fake gateway
//! (`FakeDiscord::dispatch_interaction`) or posted, signed, to the HTTP interactions endpoint.
//!
//! Ids are always serialized as strings, as Discord does. The caller chooses every id through
//! [`Origin`], so a test controls who clicked what, where.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};

/// `CHAT_INPUT` application command type.
pub const COMMAND_TYPE_CHAT_INPUT: u8 = 1;

/// Interaction types (`type` of the interaction object).
pub const INTERACTION_PING: u8 = 1;
pub const INTERACTION_APPLICATION_COMMAND: u8 = 2;
pub const INTERACTION_MESSAGE_COMPONENT: u8 = 3;
pub const INTERACTION_AUTOCOMPLETE: u8 = 4;
pub const INTERACTION_MODAL_SUBMIT: u8 = 5;

/// Application command option types.
pub const OPTION_SUB_COMMAND: u8 = 1;
pub const OPTION_SUB_COMMAND_GROUP: u8 = 2;
pub const OPTION_STRING: u8 = 3;
pub const OPTION_INTEGER: u8 = 4;
pub const OPTION_BOOLEAN: u8 = 5;
pub const OPTION_NUMBER: u8 = 10;

/// Message component types.
pub const COMPONENT_ACTION_ROW: u8 = 1;
pub const COMPONENT_BUTTON: u8 = 2;
pub const COMPONENT_STRING_SELECT: u8 = 3;

/// Discord's epoch (2015-01-01T00:00:00Z) in milliseconds since the Unix epoch.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Permissions Discord typically reports for a bot in a guild channel (as a decimal string).
pub const DEFAULT_APP_PERMISSIONS: &str = "2248473465835073";
/// Permissions of an ordinary member in a guild channel.
pub const DEFAULT_MEMBER_PERMISSIONS: &str = "2222085186637376";
/// `attachment_size_limit` Discord sends with every interaction (25 MiB).
pub const DEFAULT_ATTACHMENT_SIZE_LIMIT: u64 = 26_214_400;

static NEXT_SNOWFLAKE: AtomicU64 = AtomicU64::new(0);
static SNOWFLAKE_BASE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// A fresh, process-unique, well-formed snowflake (timestamp part = now, low 22 bits = a
/// per-process random start plus a counter).
///
/// Handy for interaction ids, message ids and user ids that must not collide between tests,
/// even across test binaries running at the same time.
pub fn snowflake() -> u64 {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(DISCORD_EPOCH_MS + 1);
    let base = *SNOWFLAKE_BASE.get_or_init(rand::random::<u64>);
    let low = base.wrapping_add(NEXT_SNOWFLAKE.fetch_add(1, Ordering::Relaxed)) & 0x3F_FFFF;
    (now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22) | low
}

/// A fresh, process-unique interaction token shaped like Discord's: an
/// opaque base64url string of about 150 characters, starting with
/// `aW50ZXJhY3Rpb246` ("interaction:"). The shape matters to the tests that
/// look for tokens in logs.
pub fn interaction_token() -> String {
    use rand::Rng;
    let tail: String = rand::thread_rng()
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(120)
        .map(char::from)
        .collect();
    format!(
        "aW50ZXJhY3Rpb246{}x{}{tail}",
        std::process::id(),
        snowflake()
    )
}

/// Where an interaction comes from and who made it: the ids every builder needs.
///
/// `guild_id: None` means a DM with the bot (the payload then has `user`, not `member`).
#[derive(Clone, Debug)]
pub struct Origin {
    pub application_id: u64,
    pub interaction_id: u64,
    pub token: String,
    pub user_id: u64,
    pub username: String,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub locale: String,
}

impl Origin {
    /// An interaction made by `user_id` in channel `channel_id` of guild `guild_id`.
    pub fn guild(
        application_id: u64,
        interaction_id: u64,
        token: impl Into<String>,
        user_id: u64,
        guild_id: u64,
        channel_id: u64,
    ) -> Self {
        Self {
            application_id,
            interaction_id,
            token: token.into(),
            user_id,
            username: format!("learner{user_id}"),
            channel_id,
            guild_id: Some(guild_id),
            locale: "en-US".to_owned(),
        }
    }

    /// An interaction made by `user_id` in their DM channel `channel_id` with the bot.
    pub fn dm(
        application_id: u64,
        interaction_id: u64,
        token: impl Into<String>,
        user_id: u64,
        channel_id: u64,
    ) -> Self {
        Self {
            application_id,
            interaction_id,
            token: token.into(),
            user_id,
            username: format!("learner{user_id}"),
            channel_id,
            guild_id: None,
            locale: "en-US".to_owned(),
        }
    }

    /// Same place and person, but a new interaction (fresh id and token): what a second click
    /// or a second command by the same learner looks like.
    pub fn next(&self) -> Self {
        Self {
            interaction_id: snowflake(),
            token: interaction_token(),
            ..self.clone()
        }
    }

    /// Same place, another learner.
    pub fn as_user(&self, user_id: u64) -> Self {
        Self {
            user_id,
            username: format!("learner{user_id}"),
            interaction_id: snowflake(),
            token: interaction_token(),
            ..self.clone()
        }
    }

    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = username.into();
        self
    }

    pub fn with_locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = locale.into();
        self
    }
}

/// A Discord user object (a human unless `bot`).
pub fn user_object(user_id: u64, username: &str, bot: bool) -> Value {
    json!({
        "id": user_id.to_string(),
        "username": username,
        "discriminator": "0",
        "global_name": if bot { Value::Null } else { Value::String(username.to_owned()) },
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    })
}

/// A guild member object wrapping `user` (as found in an interaction's `member`).
pub fn member_object(user: Value) -> Value {
    json!({
        "user": user,
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "pending": false,
        "flags": 0,
        "permissions": DEFAULT_MEMBER_PERMISSIONS,
        "communication_disabled_until": null,
    })
}

/// The common part of every non-PING interaction: ids, who, where, locale, permissions.
fn base_interaction(origin: &Origin, kind: u8, data: Value) -> Value {
    let user = user_object(origin.user_id, &origin.username, false);
    let mut v = json!({
        "id": origin.interaction_id.to_string(),
        "application_id": origin.application_id.to_string(),
        "type": kind,
        "data": data,
        "channel_id": origin.channel_id.to_string(),
        "token": origin.token,
        "version": 1,
        "app_permissions": DEFAULT_APP_PERMISSIONS,
        "locale": origin.locale,
        "entitlements": [],
        "attachment_size_limit": DEFAULT_ATTACHMENT_SIZE_LIMIT,
    });
    let map = v.as_object_mut().expect("object");
    match origin.guild_id {
        Some(guild_id) => {
            map.insert("guild_id".into(), json!(guild_id.to_string()));
            map.insert("guild_locale".into(), json!("en-US"));
            map.insert("member".into(), member_object(user));
            map.insert(
                "channel".into(),
                json!({
                    "id": origin.channel_id.to_string(),
                    "type": 0,
                    "name": "learning",
                    "guild_id": guild_id.to_string(),
                    "permissions": DEFAULT_MEMBER_PERMISSIONS,
                    "parent_id": null,
                    "nsfw": false,
                    "position": 0,
                    "flags": 0,
                }),
            );
            map.insert(
                "authorizing_integration_owners".into(),
                json!({ "0": guild_id.to_string() }),
            );
            // context 0 = GUILD
            map.insert("context".into(), json!(0));
        }
        None => {
            map.insert("user".into(), user.clone());
            map.insert(
                "channel".into(),
                json!({
                    "id": origin.channel_id.to_string(),
                    "type": 1,
                    "recipients": [user],
                    "flags": 0,
                }),
            );
            // "0" = guild install invoked outside a guild (bot DM).
            map.insert("authorizing_integration_owners".into(), json!({ "0": "0" }));
            // context 1 = BOT_DM
            map.insert("context".into(), json!(1));
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Command options (the `data.options` of type 2 and 4 interactions)
// ---------------------------------------------------------------------------------------------

/// A `STRING` option as the user filled it in.
pub fn opt_string(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": OPTION_STRING, "value": value })
}

/// An `INTEGER` option.
pub fn opt_integer(name: &str, value: i64) -> Value {
    json!({ "name": name, "type": OPTION_INTEGER, "value": value })
}

/// A `NUMBER` (float) option.
pub fn opt_number(name: &str, value: f64) -> Value {
    json!({ "name": name, "type": OPTION_NUMBER, "value": value })
}

/// A `BOOLEAN` option.
pub fn opt_bool(name: &str, value: bool) -> Value {
    json!({ "name": name, "type": OPTION_BOOLEAN, "value": value })
}

/// A `SUB_COMMAND` option wrapping the sub-command's own options (may be empty: Discord then
/// sends `"options": []`, which serenity requires).
pub fn opt_subcommand(name: &str, options: Vec<Value>) -> Value {
    json!({ "name": name, "type": OPTION_SUB_COMMAND, "options": options })
}

/// A `SUB_COMMAND_GROUP` option wrapping sub-commands.
pub fn opt_subcommand_group(name: &str, subcommands: Vec<Value>) -> Value {
    json!({ "name": name, "type": OPTION_SUB_COMMAND_GROUP, "options": subcommands })
}

/// An `ATTACHMENT` option: its value is the attachment's id; the attachment itself travels in
/// the interaction's `data.resolved` (see [`resolve_attachment`]).
pub fn opt_attachment(name: &str, attachment_id: u64) -> Value {
    json!({ "name": name, "type": 11, "value": attachment_id.to_string() })
}

/// A `ROLE` option: its value is the role's id; the role travels in `data.resolved`
/// (see [`resolve_role`]).
pub fn opt_role(name: &str, role_id: u64) -> Value {
    json!({ "name": name, "type": 8, "value": role_id.to_string() })
}

/// Adds an attachment to a command interaction's resolved data, as Discord sends it with an
/// `ATTACHMENT` option: `size` is what Discord declares, `url` where it serves the file.
pub fn resolve_attachment(interaction: &mut Value, id: u64, filename: &str, size: u64, url: &str) {
    interaction["data"]["resolved"]["attachments"][id.to_string()] = json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": "application/octet-stream",
        "ephemeral": true,
    });
}

/// Adds a role to a command interaction's resolved data, as Discord sends it with a `ROLE`
/// option.
pub fn resolve_role(interaction: &mut Value, id: u64, name: &str) {
    interaction["data"]["resolved"]["roles"][id.to_string()] = json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": 1,
        "permissions": "0",
        "managed": false,
        "mentionable": false,
        "flags": 0,
    });
}

/// Sets the member's permissions (Discord's decimal string, e.g. `"32"` for Manage Server)
/// and roles on a guild interaction.
pub fn set_member(interaction: &mut Value, permissions: &str, roles: &[u64]) {
    interaction["member"]["permissions"] = json!(permissions);
    interaction["member"]["roles"] = json!(roles.iter().map(u64::to_string).collect::<Vec<_>>());
}

/// The option being typed in an autocomplete interaction. `kind` is the option's declared type
/// (e.g. [`OPTION_STRING`] or [`OPTION_INTEGER`]); Discord always sends the partial input as a
/// string, and serenity 0.12.5 insists on that.
pub fn opt_focused(name: &str, kind: u8, partial: &str) -> Value {
    json!({ "name": name, "type": kind, "value": partial, "focused": true })
}

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

fn command_data(command_id: u64, name: &str, options: Vec<Value>, guild_id: Option<u64>) -> Value {
    let mut data = json!({
        "id": command_id.to_string(),
        "name": name,
        "type": COMMAND_TYPE_CHAT_INPUT,
        "options": options,
    });
    if let Some(guild_id) = guild_id {
        // Present when the command is a guild command.
        data["guild_id"] = json!(guild_id.to_string());
    }
    data
}

/// A slash command (interaction type 2, `CHAT_INPUT`) `/name options…`.
///
/// `command_id` is the registered command's id (any snowflake in tests). For `/demo gather 5`:
/// `slash_command(&o, cmd_id, "demo", vec![opt_subcommand("gather", vec![opt_integer("n", 5)])])`.
pub fn slash_command(origin: &Origin, command_id: u64, name: &str, options: Vec<Value>) -> Value {
    base_interaction(
        origin,
        INTERACTION_APPLICATION_COMMAND,
        command_data(command_id, name, options, None),
    )
}

/// Like [`slash_command`] but for a command registered in the guild (adds `data.guild_id`).
pub fn guild_slash_command(
    origin: &Origin,
    command_id: u64,
    name: &str,
    options: Vec<Value>,
) -> Value {
    base_interaction(
        origin,
        INTERACTION_APPLICATION_COMMAND,
        command_data(command_id, name, options, origin.guild_id),
    )
}

/// An autocomplete request (interaction type 4). Exactly one option (possibly nested in a
/// sub-command) should be built with [`opt_focused`].
pub fn autocomplete(origin: &Origin, command_id: u64, name: &str, options: Vec<Value>) -> Value {
    base_interaction(
        origin,
        INTERACTION_AUTOCOMPLETE,
        command_data(command_id, name, options, None),
    )
}

/// A PING (interaction type 1): what Discord POSTs to the HTTP endpoint to check it.
pub fn ping(application_id: u64, interaction_id: u64, token: &str) -> Value {
    json!({
        "id": interaction_id.to_string(),
        "application_id": application_id.to_string(),
        "type": INTERACTION_PING,
        "token": token,
        "version": 1,
        "user": null,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": DEFAULT_ATTACHMENT_SIZE_LIMIT,
    })
}

/// A button click (interaction type 3, `component_type` 2) on `message`, which must be a
/// message object as returned by [`bot_message`] (or recorded by the fake: the body serenity
/// got back when it sent the message).
pub fn button_click(origin: &Origin, custom_id: &str, message: Value) -> Value {
    let mut v = base_interaction(
        origin,
        INTERACTION_MESSAGE_COMPONENT,
        json!({ "custom_id": custom_id, "component_type": COMPONENT_BUTTON }),
    );
    v["message"] = message;
    v
}

/// A string select menu choice (interaction type 3, `component_type` 3) on `message`.
pub fn select_choice(origin: &Origin, custom_id: &str, values: &[&str], message: Value) -> Value {
    let mut v = base_interaction(
        origin,
        INTERACTION_MESSAGE_COMPONENT,
        json!({ "custom_id": custom_id, "component_type": COMPONENT_STRING_SELECT, "values": values }),
    );
    v["message"] = message;
    v
}

/// A modal submission (interaction type 5) with text inputs `(custom_id, value)`, one per row.
pub fn modal_submit(origin: &Origin, custom_id: &str, inputs: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = inputs
        .iter()
        .map(|(id, value)| {
            json!({
                "type": COMPONENT_ACTION_ROW,
                "components": [{ "type": 4, "custom_id": id, "value": value }],
            })
        })
        .collect();
    base_interaction(
        origin,
        INTERACTION_MODAL_SUBMIT,
        json!({ "custom_id": custom_id, "components": rows }),
    )
}

// ---------------------------------------------------------------------------------------------
// Messages and components (the `message` a component interaction was on)
// ---------------------------------------------------------------------------------------------

/// A button with a `custom_id` (style 1 = primary, 2 = secondary, 3 = success, 4 = danger).
pub fn button(custom_id: &str, label: &str, style: u8) -> Value {
    json!({
        "type": COMPONENT_BUTTON,
        "style": style,
        "label": label,
        "custom_id": custom_id,
        "disabled": false,
    })
}

/// An action row holding `components` (up to 5 buttons, or one select menu).
pub fn action_row(components: Vec<Value>) -> Value {
    json!({ "type": COMPONENT_ACTION_ROW, "components": components })
}

/// A message the bot posted (as an interaction response), carrying `components`.
///
/// `bot_user_id` is the author; `application_id` is also the message's `webhook_id`, as for
/// every interaction response. `guild_id` is `None` in DMs.
#[allow(clippy::too_many_arguments)]
pub fn bot_message(
    application_id: u64,
    bot_user_id: u64,
    message_id: u64,
    channel_id: u64,
    guild_id: Option<u64>,
    content: &str,
    components: Vec<Value>,
) -> Value {
    let mut v = json!({
        "id": message_id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": user_object(bot_user_id, "tutorbot", true),
        "content": content,
        "timestamp": "2024-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "webhook_id": application_id.to_string(),
        "type": 20,
        "application_id": application_id.to_string(),
        "flags": 0,
        "components": components,
    });
    if let Some(guild_id) = guild_id {
        v["guild_id"] = json!(guild_id.to_string());
    }
    v
}

/// Like [`bot_message`] for an ephemeral message (flag 64): what a learner's personal checklist
/// or quiz looks like.
#[allow(clippy::too_many_arguments)]
pub fn ephemeral_bot_message(
    application_id: u64,
    bot_user_id: u64,
    message_id: u64,
    channel_id: u64,
    guild_id: Option<u64>,
    content: &str,
    components: Vec<Value>,
) -> Value {
    let mut v = bot_message(
        application_id,
        bot_user_id,
        message_id,
        channel_id,
        guild_id,
        content,
        components,
    );
    v["flags"] = json!(64);
    v
}

/// All `custom_id`s found in a message's (or response body's) `components`, in order.
pub fn custom_ids(message_or_body: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(id)) = map.get("custom_id") {
                    out.push(id.clone());
                }
                if let Some(children) = map.get("components") {
                    walk(children, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(
        message_or_body.get("components").unwrap_or(&Value::Null),
        &mut out,
    );
    out
}
