//! Direct messages, as a bot sends them: open the DM channel
//! (`POST /users/@me/channels`), then send (`POST /channels/{id}/messages`).
//!
//! The fake records every DM it accepted ([`super::FakeDiscord::dms`]),
//! refuses a user whose DMs are closed with Discord's error 50007 ("Cannot
//! send messages to this user", [`super::FakeDiscord::close_dms`]), and, like
//! Discord, answers a send whose `nonce` it saw for the same channel with the
//! first message when `enforce_nonce` is true, recording nothing new.

use super::*;

/// One DM the fake accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentDm {
    pub user: u64,
    pub content: String,
    pub nonce: Option<String>,
}

/// The fake's DM state, kept in `Inner`.
#[derive(Default)]
pub(super) struct Dms {
    /// channel id → user.
    channels: HashMap<u64, u64>,
    /// user → channel id.
    by_user: HashMap<u64, u64>,
    closed: HashSet<u64>,
    pub(super) sent: Vec<SentDm>,
    /// (channel, nonce) → the message first sent with it.
    nonces: HashMap<(u64, String), Value>,
}

impl Dms {
    pub(super) fn close(&mut self, user: u64) {
        self.closed.insert(user);
    }
}

/// `POST /users/@me/channels {recipient_id}`.
pub(super) fn open_dm(inner: &mut Inner, call: &RecordedCall) -> (u16, Value) {
    let user = match &call.body["recipient_id"] {
        Value::String(s) => s.parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    };
    let Some(user) = user else {
        return invalid_form("recipient_id is required");
    };
    let channel = match inner.dms.by_user.get(&user) {
        Some(c) => *c,
        None => {
            let c = inner.new_id();
            inner.dms.channels.insert(c, user);
            inner.dms.by_user.insert(user, c);
            c
        }
    };
    (
        200,
        json!({
            "id": channel.to_string(),
            "type": 1,
            "last_message_id": null,
            "recipients": [{
                "id": user.to_string(),
                "username": format!("learner{user}"),
                "discriminator": "0",
                "global_name": null,
                "avatar": null,
            }],
        }),
    )
}

/// `POST /channels/{id}/messages` on a DM channel.
pub(super) fn send_dm(
    shared: &Shared,
    inner: &mut Inner,
    channel: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let Some((channel, user)) = channel
        .parse::<u64>()
        .ok()
        .and_then(|c| Some((c, *inner.dms.channels.get(&c)?)))
    else {
        return discord_error(404, 10003, "Unknown Channel");
    };
    if inner.dms.closed.contains(&user) {
        return discord_error(403, 50007, "Cannot send messages to this user");
    }
    let nonce = match &call.body["nonce"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let enforce = call.body["enforce_nonce"] == true;
    if let (Some(n), true) = (&nonce, enforce) {
        if let Some(first) = inner.dms.nonces.get(&(channel, n.clone())) {
            return (200, first.clone());
        }
    }
    let content = call.body["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if content.chars().count() > tutorbot::core::limits::CONTENT_MAX {
        return invalid_form("content is longer than 2000 characters");
    }
    let mut msg = new_message(shared, inner, channel, None, 0, &call.body, &[]);
    // A bot's own DM, not a webhook's.
    msg["webhook_id"] = Value::Null;
    msg["application_id"] = Value::Null;
    if let (Some(n), true) = (&nonce, enforce) {
        inner.dms.nonces.insert((channel, n.clone()), msg.clone());
    }
    inner.dms.sent.push(SentDm {
        user,
        content,
        nonce,
    });
    (200, msg)
}
