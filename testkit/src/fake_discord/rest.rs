//! The fake's REST API under `/api/v10`: recording, authorization, routing,
//! interaction callbacks, the original-response and follow-up webhooks, and
//! application commands.

use super::*;

pub(super) struct Incoming {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) body: Value,
    pub(super) attachments: Vec<RecordedAttachment>,
    pub(super) authorization: Option<String>,
}

pub(super) async fn rest_handler(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let (body, attachments) = parse_body(content_type, &body);
    let query = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (p.to_owned(), String::new()),
        })
        .collect();
    let req = Incoming {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query,
        body,
        attachments,
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let (status, response) = handle_and_record(&shared, req, false);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::NO_CONTENT {
        status.into_response()
    } else {
        (status, axum::Json(response)).into_response()
    }
}

/// Answers a request, records it, signals waiters. Returns (status, JSON body).
pub(super) fn handle_and_record(shared: &Shared, req: Incoming, inline: bool) -> (u16, Value) {
    let mut inner = shared.lock();
    let mut call = RecordedCall {
        index: inner.calls.len(),
        method: req.method,
        path: req.path,
        query: req.query,
        body: req.body,
        attachments: req.attachments,
        authorization: req.authorization,
        status: 0,
        response: Value::Null,
        inline,
        since_interaction: None,
    };
    let segs: Vec<String> = call.segments().iter().map(|s| (*s).to_owned()).collect();
    let token_seg = match segs.first().map(String::as_str) {
        Some("interactions") => segs.get(2),
        Some("webhooks") => segs.get(2),
        _ => None,
    };
    call.since_interaction = token_seg
        .and_then(|t| inner.interactions.get(t))
        .map(|k| k.at.elapsed());

    let overridden = inner
        .overrides
        .iter()
        .position(|o| (o.matcher)(&call))
        .map(|i| inner.overrides.remove(i));
    let (status, response) = match overridden {
        Some(o) => (o.status, o.body),
        None => {
            // GET /gateway needs no token at Discord either (and serenity falls back to the
            // real gateway if it fails).
            let open_route = call.method == "GET" && call.segments() == ["gateway"];
            let authorized = inline
                || open_route
                || shared.config.token.is_none()
                || call
                    .authorization
                    .as_deref()
                    .is_some_and(|a| token_ok(shared, a));
            if authorized {
                route(shared, &mut inner, &call)
            } else {
                (401, json!({ "message": "401: Unauthorized", "code": 0 }))
            }
        }
    };
    call.status = status;
    call.response = response.clone();
    inner.calls.push(call);
    drop(inner);
    shared.bump();
    (status, response)
}

pub(super) fn api_segments(path: &str) -> Vec<&str> {
    let rest = path
        .strip_prefix("/api/v10")
        .or_else(|| path.strip_prefix("/api"))
        .unwrap_or(path);
    rest.split('/').filter(|s| !s.is_empty()).collect()
}

pub(super) fn discord_error(status: u16, code: u64, message: &str) -> (u16, Value) {
    (status, json!({ "message": message, "code": code }))
}

pub(super) fn invalid_form(problem: &str) -> (u16, Value) {
    (
        400,
        json!({
            "message": format!("Invalid Form Body ({problem})"),
            "code": 50035,
            "errors": { "_fake": { "_errors": [{ "code": "BASE_TYPE_INVALID", "message": problem }] } },
        }),
    )
}

pub(super) fn not_found() -> (u16, Value) {
    discord_error(404, 0, "404: Not Found")
}

pub(super) fn route(shared: &Shared, inner: &mut Inner, call: &RecordedCall) -> (u16, Value) {
    let segs = call.segments();
    let app_id = shared.config.application_id.to_string();
    match (call.method.as_str(), segs.as_slice()) {
        ("GET", ["gateway"]) => (200, json!({ "url": shared.gateway_url })),
        ("GET", ["gateway", "bot"]) => (
            200,
            json!({
                "url": shared.gateway_url,
                "shards": shared.config.recommended_shards,
                "session_start_limit": {
                    "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1
                },
            }),
        ),
        ("GET", ["users", "@me"]) => (200, shared.bot_user()),
        ("POST", ["users", "@me", "channels"]) => open_dm(inner, call),
        ("POST", ["channels", channel, "messages"]) => send_dm(shared, inner, channel, call),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            (200, application_info(shared))
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            interaction_callback(shared, inner, id, token, call)
        }
        (_, ["webhooks", app, ..]) if *app != app_id => {
            discord_error(404, 10015, "Unknown Webhook")
        }
        (method, ["webhooks", _, token, "messages", "@original"]) => {
            original_message(shared, inner, method, token, call)
        }
        ("POST", ["webhooks", _, token]) => create_followup(shared, inner, token, call),
        (method, ["webhooks", _, token, "messages", id]) => {
            followup_message(shared, inner, method, token, id, call)
        }
        (_, ["applications", app, ..]) if *app != app_id => discord_error(
            403,
            20012,
            "You are not authorized to perform this action on this application",
        ),
        (method, ["applications", _, "commands", rest @ ..]) => {
            commands(shared, inner, method, None, rest, call)
        }
        (method, ["applications", _, "guilds", guild, "commands", rest @ ..]) => {
            match guild.parse::<u64>() {
                Ok(g) => commands(shared, inner, method, Some(g), rest, call),
                Err(_) => not_found(),
            }
        }
        _ => not_found(),
    }
}

pub(super) fn application_info(shared: &Shared) -> Value {
    json!({
        "id": shared.config.application_id.to_string(),
        "name": shared.config.bot_username,
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "owner": {
            "id": "1100000000000000099", "username": "operator", "discriminator": "0",
            "global_name": "operator", "avatar": null
        },
        "verify_key": hex_encode(shared.signing_key.verifying_key().as_bytes()),
        "team": null,
        "flags": 0,
        "bot": shared.bot_user(),
    })
}

pub(super) fn interaction_callback(
    shared: &Shared,
    inner: &mut Inner,
    id: &str,
    token: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let Ok(id) = id.parse::<u64>() else {
        return discord_error(404, 10062, "Unknown interaction");
    };
    let kind_known = inner.interactions.get(token).map(|k| (k.id, k.kind));
    if let Some((known_id, _)) = kind_known {
        if known_id != id {
            return discord_error(404, 10062, "Unknown interaction");
        }
    }
    if inner.acknowledged.contains(&id) {
        return discord_error(400, 40060, "Interaction has already been acknowledged.");
    }
    let Some(kind) = call.body.get("type").and_then(Value::as_u64) else {
        return invalid_form("type: This field is required");
    };
    let data = call.body.get("data").cloned().unwrap_or(Value::Null);
    let interaction_kind = kind_known.map(|(_, k)| k);

    if shared.config.validate {
        let allowed: &[u64] = match interaction_kind {
            Some(1) => &[1],
            Some(2) => &[4, 5, 9],
            Some(3) => &[4, 5, 6, 7, 9],
            Some(4) => &[8],
            Some(5) => &[4, 5, 6, 7],
            _ => &[1, 4, 5, 6, 7, 8, 9],
        };
        if !allowed.contains(&kind) {
            return invalid_form(&format!(
                "type: callback type {kind} is not valid for interaction type {}",
                interaction_kind.unwrap_or(0)
            ));
        }
        if let Err(e) = validate_callback(&call.body, !call.attachments.is_empty()) {
            return e;
        }
    }

    inner.acknowledged.insert(id);
    let (channel_id, guild_id, component_message) = match inner.interactions.get(token) {
        Some(k) => (k.channel_id, k.guild_id, k.message.clone()),
        None => (1, None, None),
    };
    let message_type = if interaction_kind == Some(2) { 20 } else { 19 };
    match kind {
        4 => {
            let msg = new_message(
                shared,
                inner,
                channel_id,
                guild_id,
                message_type,
                &data,
                &call.attachments,
            );
            inner.originals.insert(token.to_owned(), msg);
        }
        5 => {
            let flags = data.get("flags").and_then(Value::as_u64).unwrap_or(0) | FLAG_LOADING;
            let msg = new_message(
                shared,
                inner,
                channel_id,
                guild_id,
                message_type,
                &json!({ "content": "", "flags": flags }),
                &[],
            );
            inner.originals.insert(token.to_owned(), msg);
        }
        6 => {
            if let Some(m) = component_message {
                inner.originals.insert(token.to_owned(), m);
            }
        }
        7 => {
            let mut msg = component_message.unwrap_or_else(|| {
                new_message(shared, inner, channel_id, guild_id, 0, &json!({}), &[])
            });
            apply_edit(inner, &mut msg, &data, &call.attachments);
            inner.originals.insert(token.to_owned(), msg);
        }
        _ => {}
    }
    (204, Value::Null)
}

pub(super) fn original_message(
    shared: &Shared,
    inner: &mut Inner,
    method: &str,
    token: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let known = inner
        .interactions
        .get(token)
        .map(|k| (k.id, k.channel_id, k.guild_id));
    match method {
        "GET" => match inner.originals.get(token) {
            Some(m) => (200, sanitize_message(m.clone())),
            None => discord_error(404, 10008, "Unknown Message"),
        },
        "DELETE" => match inner.originals.remove(token) {
            Some(_) => (204, Value::Null),
            None => discord_error(404, 10008, "Unknown Message"),
        },
        "PATCH" => {
            if shared.config.validate {
                if let Err(e) = validate_message(&call.body, false, !call.attachments.is_empty()) {
                    return e;
                }
            }
            let mut msg = match (inner.originals.get(token).cloned(), known) {
                (Some(m), _) => m,
                // Known interaction, but no original response (not acknowledged yet, or
                // acknowledged with a type that creates none).
                (None, Some(_)) => return discord_error(404, 10008, "Unknown Message"),
                // A token the fake never saw (e.g. from a test that bypasses it): be lenient.
                (None, None) => new_message(shared, inner, 1, None, 20, &json!({}), &[]),
            };
            if msg
                .get("flags")
                .and_then(Value::as_u64)
                .is_some_and(|f| f & FLAG_LOADING != 0)
            {
                let flags = msg["flags"].as_u64().unwrap_or(0) & !FLAG_LOADING;
                msg["flags"] = json!(flags);
            }
            apply_edit(inner, &mut msg, &call.body, &call.attachments);
            inner.originals.insert(token.to_owned(), msg.clone());
            (200, sanitize_message(msg))
        }
        _ => discord_error(405, 0, "405: Method Not Allowed"),
    }
}

pub(super) fn create_followup(
    shared: &Shared,
    inner: &mut Inner,
    token: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let known = inner
        .interactions
        .get(token)
        .map(|k| (k.id, k.channel_id, k.guild_id));
    if let Some((id, _, _)) = known {
        if !inner.acknowledged.contains(&id) {
            return discord_error(404, 10015, "Unknown Webhook");
        }
    }
    if shared.config.validate {
        if let Err(e) = validate_message(&call.body, true, !call.attachments.is_empty()) {
            return e;
        }
    }
    let (channel_id, guild_id) = known.map(|(_, c, g)| (c, g)).unwrap_or((1, None));
    let msg = new_message(
        shared,
        inner,
        channel_id,
        guild_id,
        19,
        &call.body,
        &call.attachments,
    );
    let id = id_field(&msg, "id").unwrap_or_default();
    inner.followups.insert(id, (token.to_owned(), msg.clone()));
    (200, sanitize_message(msg))
}

pub(super) fn followup_message(
    shared: &Shared,
    inner: &mut Inner,
    method: &str,
    token: &str,
    id: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let Ok(id) = id.parse::<u64>() else {
        return discord_error(404, 10008, "Unknown Message");
    };
    if inner.followups.get(&id).map(|(t, _)| t.as_str()) != Some(token) {
        return discord_error(404, 10008, "Unknown Message");
    }
    match method {
        "GET" => (200, sanitize_message(inner.followups[&id].1.clone())),
        "DELETE" => {
            inner.followups.remove(&id);
            (204, Value::Null)
        }
        "PATCH" => {
            if shared.config.validate {
                if let Err(e) = validate_message(&call.body, false, !call.attachments.is_empty()) {
                    return e;
                }
            }
            let mut msg = inner.followups[&id].1.clone();
            apply_edit(inner, &mut msg, &call.body, &call.attachments);
            inner.followups.insert(id, (token.to_owned(), msg.clone()));
            (200, sanitize_message(msg))
        }
        _ => discord_error(405, 0, "405: Method Not Allowed"),
    }
}

pub(super) fn commands(
    shared: &Shared,
    inner: &mut Inner,
    method: &str,
    guild: Option<u64>,
    rest: &[&str],
    call: &RecordedCall,
) -> (u16, Value) {
    let app_id = shared.config.application_id;
    let mut list = match guild {
        None => inner.global_commands.clone(),
        Some(g) => inner.guild_commands.get(&g).cloned().unwrap_or_default(),
    };
    let result = match (method, rest) {
        ("GET", []) => return (200, Value::Array(list)),
        ("PUT", []) => {
            let Some(items) = call.body.as_array() else {
                return invalid_form("body: must be an array of commands");
            };
            if shared.config.validate {
                if let Err(e) = validate_commands(items) {
                    return e;
                }
            }
            let mut new_list = Vec::new();
            for item in items {
                let existing = list
                    .iter()
                    .find(|c| same_command(c, item))
                    .and_then(|c| id_field(c, "id"));
                let id = existing.unwrap_or_else(|| inner.new_id());
                let version = inner.new_id();
                new_list.push(command_object(app_id, guild, id, version, item));
            }
            list = new_list;
            (200, Value::Array(list.clone()))
        }
        ("POST", []) => {
            if shared.config.validate {
                if let Err(e) = validate_commands(std::slice::from_ref(&call.body)) {
                    return e;
                }
            }
            let version = inner.new_id();
            let (status, cmd) = match list.iter().position(|c| same_command(c, &call.body)) {
                Some(i) => {
                    let id = id_field(&list[i], "id").unwrap_or_default();
                    list[i] = command_object(app_id, guild, id, version, &call.body);
                    (200, list[i].clone())
                }
                None => {
                    let id = inner.new_id();
                    let cmd = command_object(app_id, guild, id, version, &call.body);
                    list.push(cmd.clone());
                    (201, cmd)
                }
            };
            (status, cmd)
        }
        (method, [id]) => {
            let Some(pos) = list.iter().position(|c| c["id"].as_str() == Some(*id)) else {
                return discord_error(404, 10063, "Unknown application command");
            };
            match method {
                "GET" => return (200, list[pos].clone()),
                "DELETE" => {
                    list.remove(pos);
                    (204, Value::Null)
                }
                "PATCH" => {
                    let mut merged = list[pos].clone();
                    if let (Some(m), Some(patch)) = (merged.as_object_mut(), call.body.as_object())
                    {
                        for (k, v) in patch {
                            m.insert(k.clone(), v.clone());
                        }
                    }
                    if shared.config.validate {
                        if let Err(e) = validate_commands(std::slice::from_ref(&merged)) {
                            return e;
                        }
                    }
                    let version = inner.new_id();
                    merged["version"] = json!(version.to_string());
                    list[pos] = merged.clone();
                    (200, merged)
                }
                _ => return discord_error(405, 0, "405: Method Not Allowed"),
            }
        }
        _ => return not_found(),
    };
    match guild {
        None => inner.global_commands = list,
        Some(g) => {
            inner.guild_commands.insert(g, list);
        }
    }
    result
}

pub(super) fn command_type(c: &Value) -> u64 {
    c.get("type").and_then(Value::as_u64).unwrap_or(1)
}

pub(super) fn same_command(a: &Value, b: &Value) -> bool {
    a.get("name") == b.get("name") && command_type(a) == command_type(b)
}

pub(super) fn command_object(
    app_id: u64,
    guild: Option<u64>,
    id: u64,
    version: u64,
    item: &Value,
) -> Value {
    let mut cmd = item.clone();
    if !cmd.is_object() {
        cmd = json!({});
    }
    let m = cmd.as_object_mut().expect("object");
    m.insert("id".into(), json!(id.to_string()));
    m.insert("application_id".into(), json!(app_id.to_string()));
    m.insert("version".into(), json!(version.to_string()));
    m.insert("type".into(), json!(command_type(item)));
    m.entry("description").or_insert(json!(""));
    m.entry("options").or_insert(json!([]));
    m.entry("default_member_permissions").or_insert(Value::Null);
    m.entry("nsfw").or_insert(json!(false));
    match guild {
        Some(g) => {
            m.insert("guild_id".into(), json!(g.to_string()));
        }
        None => {
            m.entry("integration_types").or_insert(json!([0]));
            m.entry("contexts").or_insert(Value::Null);
        }
    }
    cmd
}
