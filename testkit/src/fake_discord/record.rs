//! What the fake records: every REST call (and inline HTTP answer), every
//! IDENTIFY and RESUME, every gateway frame.

use super::*;

/// A file part of a multipart request (serenity sends files as `files[N]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedAttachment {
    /// The form field name, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub size: usize,
    pub data: Vec<u8>,
}

/// One REST call the fake received (or, with `inline == true`, an interaction response the
/// bot's HTTP endpoint returned to [`FakeDiscord::post_interaction`]).
#[derive(Clone, Debug)]
pub struct RecordedCall {
    /// Position in [`FakeDiscord::calls`] (0-based, in arrival order).
    pub index: usize,
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    pub method: String,
    /// Full path, e.g. `/api/v10/interactions/123/tok/callback`.
    pub path: String,
    /// Query pairs in order (serenity writes `?&wait=true`; empty pairs are dropped).
    pub query: Vec<(String, String)>,
    /// The JSON body (for multipart: the parsed `payload_json` part); `Null` when empty; a JSON
    /// string holding the raw text if the body was not JSON.
    pub body: Value,
    /// Files of a multipart body.
    pub attachments: Vec<RecordedAttachment>,
    /// The `Authorization` header (`Bot …`).
    pub authorization: Option<String>,
    /// The status the fake answered with.
    pub status: u16,
    /// The JSON the fake answered with (`Null` for 204).
    pub response: Value,
    /// True for an inline HTTP-endpoint response recorded by [`FakeDiscord::post_interaction`]
    /// (as if it were the callback `POST`), false for a real REST call.
    pub inline: bool,
    /// Time since the fake dispatched (or posted) the interaction this call is about, when
    /// the fake knows it. Informational: never assert on speed in tests.
    pub since_interaction: Option<Duration>,
}

impl RecordedCall {
    /// Path segments after `/api/v10/`.
    pub fn segments(&self) -> Vec<&str> {
        api_segments(&self.path)
    }

    /// `POST /interactions/{interaction_id}/{token}/callback` (or its inline twin).
    pub fn is_interaction_callback(&self, interaction_id: u64) -> bool {
        let s = self.segments();
        self.method == "POST"
            && s.len() == 4
            && s[0] == "interactions"
            && s[1] == interaction_id.to_string()
            && s[3] == "callback"
    }

    /// Any interaction callback whose token is `token`.
    pub fn is_callback_for_token(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "POST"
            && s.len() == 4
            && s[0] == "interactions"
            && s[2] == token
            && s[3] == "callback"
    }

    /// `PATCH /webhooks/{app}/{token}/messages/@original`.
    pub fn is_original_edit(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "PATCH"
            && s.len() == 5
            && s[0] == "webhooks"
            && s[2] == token
            && s[4] == "@original"
    }

    /// `POST /webhooks/{app}/{token}` (a follow-up message).
    pub fn is_followup(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "POST" && s.len() == 3 && s[0] == "webhooks" && s[2] == token
    }

    /// `PATCH /webhooks/{app}/{token}/messages/{id}` for a follow-up (not `@original`).
    pub fn is_followup_edit(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "PATCH"
            && s.len() == 5
            && s[0] == "webhooks"
            && s[2] == token
            && s[4] != "@original"
    }

    /// `PUT /applications/{app}/commands` or `PUT /applications/{app}/guilds/{g}/commands`.
    pub fn is_command_overwrite(&self) -> bool {
        let s = self.segments();
        self.method == "PUT"
            && s.first() == Some(&"applications")
            && s.last() == Some(&"commands")
            && (s.len() == 3 || (s.len() == 5 && s[2] == "guilds"))
    }

    /// `PUT /applications/{app}/guilds/{guild_id}/commands`.
    pub fn is_guild_command_overwrite(&self, guild_id: u64) -> bool {
        self.is_command_overwrite()
            && self.segments().get(3) == Some(&guild_id.to_string().as_str())
    }

    /// `PUT /applications/{app}/commands`.
    pub fn is_global_command_overwrite(&self) -> bool {
        self.is_command_overwrite() && self.segments().len() == 3
    }

    /// For a callback: `body.type` (4 message, 5 deferred, 6 deferred update, 7 update,
    /// 8 autocomplete result, 9 modal).
    pub fn callback_type(&self) -> Option<u64> {
        self.body.get("type").and_then(Value::as_u64)
    }

    /// The message part of the body: `body.data` for a callback, the body itself for edits and
    /// follow-ups.
    pub fn message(&self) -> &Value {
        if self.segments().first() == Some(&"interactions") {
            self.body.get("data").unwrap_or(&Value::Null)
        } else {
            &self.body
        }
    }

    /// `content` of [`Self::message`].
    pub fn content(&self) -> Option<&str> {
        self.message().get("content").and_then(Value::as_str)
    }

    /// Whether [`Self::message`] carries the EPHEMERAL flag.
    pub fn is_ephemeral(&self) -> bool {
        self.message()
            .get("flags")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            & FLAG_EPHEMERAL
            != 0
    }

    /// The fake answered 2xx.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(super) fn summary(&self) -> String {
        let mut body = self.body.to_string();
        if body.len() > 300 {
            let mut cut = 300;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
            body.push('…');
        }
        format!(
            "#{} {}{} {} -> {} {}{}",
            self.index,
            if self.inline { "(inline) " } else { "" },
            self.method,
            self.path,
            self.status,
            body,
            if self.attachments.is_empty() {
                String::new()
            } else {
                format!(
                    " files={:?}",
                    self.attachments
                        .iter()
                        .map(|a| &a.filename)
                        .collect::<Vec<_>>()
                )
            },
        )
    }
}

/// An IDENTIFY the gateway accepted (refused ones, e.g. a wrong token, are only in
/// [`FakeDiscord::gateway_frames`]).
#[derive(Clone, Debug)]
pub struct IdentifyInfo {
    /// Position among all IDENTIFYs (0-based).
    pub index: usize,
    /// Which websocket connection sent it.
    pub connection_id: u64,
    pub shard_id: u32,
    pub shard_total: u32,
    /// The raw intents bit set.
    pub intents: u64,
    pub token: String,
    /// serenity 0.12.5 always sends `true` (it can inflate zlib binary frames); the fake still
    /// answers with plain text frames.
    pub compress: bool,
    pub large_threshold: Option<u64>,
    /// The session id the fake gave this shard in READY.
    pub session_id: String,
    /// The whole `d` of the IDENTIFY payload.
    pub raw: Value,
}

impl IdentifyInfo {
    pub fn intents(&self) -> GatewayIntents {
        GatewayIntents::from_bits_retain(self.intents)
    }

    /// `[shard_id, shard_total]`.
    pub fn shard(&self) -> [u32; 2] {
        [self.shard_id, self.shard_total]
    }
}

/// A RESUME the gateway received.
#[derive(Clone, Debug)]
pub struct ResumeInfo {
    pub connection_id: u64,
    pub session_id: String,
    /// The last sequence number the client saw.
    pub seq: u64,
    /// Whether the fake knew the session (it then replayed what was missed and sent RESUMED;
    /// otherwise it answered INVALID_SESSION(false), which makes serenity identify again).
    pub accepted: bool,
    /// How many missed dispatches were replayed.
    pub replayed: usize,
}

/// Any payload a client sent on the gateway (for debugging and for opcodes the fake only
/// records, like presence updates).
#[derive(Clone, Debug)]
pub struct GatewayFrame {
    pub connection_id: u64,
    pub op: u64,
    pub d: Value,
    pub shard: Option<[u32; 2]>,
}

/// Where a dispatch went.
#[derive(Clone, Debug)]
pub struct Dispatched {
    pub shard_id: u32,
    pub shard_total: u32,
    pub seq: u64,
    pub session_id: String,
}

/// What the bot's HTTP interactions endpoint answered to [`FakeDiscord::post_interaction`].
#[derive(Clone, Debug)]
pub struct InlineResponse {
    pub status: u16,
    pub content_type: Option<String>,
    /// The JSON body (for a multipart answer: its `payload_json`), or `Null` if not JSON.
    pub body: Value,
    pub text: String,
    pub attachments: Vec<RecordedAttachment>,
}
