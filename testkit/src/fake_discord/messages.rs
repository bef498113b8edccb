//! Messages the fake keeps: created by callbacks and follow-ups, edited in
//! place, with attachments given CDN URLs as Discord gives them.

use super::*;

pub(super) fn new_message(
    shared: &Shared,
    inner: &mut Inner,
    channel_id: u64,
    guild_id: Option<u64>,
    message_type: u64,
    body: &Value,
    files: &[RecordedAttachment],
) -> Value {
    let id = inner.new_id();
    let mut msg = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": shared.bot_user(),
        "content": "",
        "timestamp": timestamp_now(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "webhook_id": shared.config.application_id.to_string(),
        "type": message_type,
        "application_id": shared.config.application_id.to_string(),
        "flags": 0,
        "components": [],
    });
    if let Some(g) = guild_id {
        msg["guild_id"] = json!(g.to_string());
    }
    if let Some(tts) = body.get("tts") {
        msg["tts"] = tts.clone();
    }
    apply_fields(inner, &mut msg, body, files);
    msg
}

pub(super) fn apply_edit(
    inner: &mut Inner,
    msg: &mut Value,
    body: &Value,
    files: &[RecordedAttachment],
) {
    apply_fields(inner, msg, body, files);
    msg["edited_timestamp"] = json!(timestamp_now());
}

pub(super) fn apply_fields(
    inner: &mut Inner,
    msg: &mut Value,
    body: &Value,
    files: &[RecordedAttachment],
) {
    for (key, empty) in [
        ("content", json!("")),
        ("embeds", json!([])),
        ("components", json!([])),
    ] {
        if let Some(v) = body.get(key) {
            msg[key] = if v.is_null() { empty } else { v.clone() };
        }
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        let loading = msg["flags"].as_u64().unwrap_or(0) & FLAG_LOADING;
        msg["flags"] = json!(flags | loading);
    }
    // Attachments: keep the existing ones the body lists by id, add the uploaded files.
    let mut attachments: Vec<Value> = match body.get("attachments").and_then(Value::as_array) {
        Some(listed) => {
            let keep: HashSet<String> = listed
                .iter()
                .filter_map(|a| a.get("id"))
                .map(|i| i.to_string().trim_matches('"').to_owned())
                .collect();
            msg["attachments"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|x| {
                            x.get("id")
                                .is_some_and(|i| keep.contains(i.as_str().unwrap_or_default()))
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        }
        None => msg["attachments"].as_array().cloned().unwrap_or_default(),
    };
    for f in files {
        let id = inner.new_id();
        attachments.push(json!({
            "id": id.to_string(),
            "filename": f.filename,
            "size": f.size,
            "url": format!("https://cdn.discordapp.com/attachments/0/{id}/{}", f.filename),
            "proxy_url": format!("https://media.discordapp.net/attachments/0/{id}/{}", f.filename),
            "content_type": f.content_type,
        }));
    }
    msg["attachments"] = Value::Array(attachments);
}

/// Makes sure serenity can deserialize the message it gets back: if the echoed components or
/// embeds don't parse as serenity's `Message`, they are dropped from the answer (the request
/// itself stays recorded as sent).
pub(super) fn sanitize_message(mut msg: Value) -> Value {
    use serenity::model::channel::Message;
    if serde_json::from_value::<Message>(msg.clone()).is_ok() {
        return msg;
    }
    for key in ["components", "embeds", "attachments"] {
        msg[key] = json!([]);
        if serde_json::from_value::<Message>(msg.clone()).is_ok() {
            eprintln!(
                "fake Discord: dropped `{key}` from a message answer serenity could not parse"
            );
            return msg;
        }
    }
    if let Err(e) = serde_json::from_value::<Message>(msg.clone()) {
        eprintln!("fake Discord: message answer does not parse as serenity Message: {e}");
    }
    msg
}
