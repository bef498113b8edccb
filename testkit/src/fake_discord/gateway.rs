//! The fake's gateway: HELLO, IDENTIFY → READY, heartbeats, RESUME with
//! replay of missed dispatches, several shards at once, plain JSON text
//! frames over tokio-tungstenite.

use super::*;

pub(super) fn text(v: &Value) -> WsMessage {
    WsMessage::Text(v.to_string())
}

pub(super) fn send_dispatch(
    inner: &mut Inner,
    session_id: &str,
    event: &str,
    data: Value,
) -> Option<Dispatched> {
    let session = inner.sessions.get_mut(session_id)?;
    session.seq += 1;
    let seq = session.seq;
    let frame = json!({ "op": 0, "s": seq, "t": event, "d": data });
    session.sent.push((seq, frame.clone()));
    let shard = session.shard;
    if let Some(conn) = session.connection.and_then(|c| inner.connections.get(&c)) {
        let _ = conn.tx.send(Outgoing::Frame(text(&frame)));
    }
    Some(Dispatched {
        shard_id: shard[0],
        shard_total: shard[1],
        seq,
        session_id: session_id.to_owned(),
    })
}

pub(super) async fn gateway_accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let conn_shared = Arc::clone(&shared);
        shared.spawn(handle_gateway_connection(stream, conn_shared));
    }
}

pub(super) async fn handle_gateway_connection(stream: TcpStream, shared: Arc<Shared>) {
    if shared.lock().gateway_down {
        // An outage: the connection is cut at once.
        drop(stream);
        return;
    }
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();

    let conn_id = {
        let mut inner = shared.lock();
        inner.connections_ever += 1;
        let id = inner.connections_ever;
        inner.connections.insert(
            id,
            Connection {
                tx: tx.clone(),
                session: None,
            },
        );
        id
    };
    shared.bump();

    let hello = json!({
        "op": 10,
        "s": null,
        "t": null,
        "d": { "heartbeat_interval": shared.config.heartbeat_interval_ms },
    });
    let _ = tx.send(Outgoing::Frame(text(&hello)));

    let mut closing = false;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Frame(msg)) => {
                    if closing { continue; }
                    if sink.send(msg).await.is_err() { break; }
                },
                Some(Outgoing::Close(code, reason)) => {
                    closing = true;
                    let frame = CloseFrame { code: CloseCode::from(code), reason: reason.into() };
                    if sink.send(WsMessage::Close(Some(frame))).await.is_err() { break; }
                    // Keep reading until the client answers the close (or goes away).
                },
                Some(Outgoing::Drop) | None => break,
            },
            incoming = source.next() => match incoming {
                Some(Ok(WsMessage::Text(t))) => {
                    if !closing {
                        handle_gateway_text(&shared, conn_id, &tx, &t);
                    }
                },
                Some(Ok(WsMessage::Binary(b))) => {
                    if !closing {
                        if let Ok(t) = String::from_utf8(b) {
                            handle_gateway_text(&shared, conn_id, &tx, &t);
                        }
                    }
                },
                Some(Ok(WsMessage::Close(frame))) => {
                    // Recorded before the reply: a client that waits for the reply
                    // knows the fake saw its close frame.
                    if let Some(frame) = frame {
                        shared.lock().client_closes.push((conn_id, u16::from(frame.code)));
                        shared.bump();
                    }
                    // tungstenite queued the close reply; flushing sends it.
                    let _ = sink.flush().await;
                    closing = true;
                },
                Some(Ok(_)) => {},
                Some(Err(_)) | None => break,
            },
        }
    }

    {
        let mut inner = shared.lock();
        if let Some(conn) = inner.connections.remove(&conn_id) {
            if let Some(sid) = conn.session {
                if let Some(session) = inner.sessions.get_mut(&sid) {
                    if session.connection == Some(conn_id) {
                        session.connection = None;
                    }
                }
            }
        }
    }
    shared.bump();
}

pub(super) fn handle_gateway_text(
    shared: &Arc<Shared>,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outgoing>,
    raw: &str,
) {
    let Ok(payload) = serde_json::from_str::<Value>(raw) else {
        let _ = tx.send(Outgoing::Close(
            4002,
            "Error while decoding payload.".into(),
        ));
        return;
    };
    let op = payload
        .get("op")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    let d = payload.get("d").cloned().unwrap_or(Value::Null);

    let mut inner = shared.lock();
    let shard = inner
        .connections
        .get(&conn_id)
        .and_then(|c| c.session.as_ref())
        .and_then(|s| inner.sessions.get(s))
        .map(|s| s.shard);
    inner.frames.push(GatewayFrame {
        connection_id: conn_id,
        op,
        d: d.clone(),
        shard,
    });

    match op {
        // HEARTBEAT
        1 => {
            inner.heartbeats += 1;
            let _ = tx.send(Outgoing::Frame(text(
                &json!({ "op": 11, "s": null, "t": null, "d": null }),
            )));
        }
        // IDENTIFY
        2 => {
            if shard.is_some() {
                let _ = tx.send(Outgoing::Close(4005, "Already authenticated.".into()));
            } else {
                identify(shared, &mut inner, conn_id, tx, d);
            }
        }
        // PRESENCE_UPDATE, VOICE_STATE_UPDATE, REQUEST_GUILD_MEMBERS, soundboard: recorded only.
        3 | 4 | 8 | 31 => {}
        // RESUME
        6 => resume(shared, &mut inner, conn_id, tx, &d),
        _ => {
            let _ = tx.send(Outgoing::Close(4001, "Unknown opcode.".into()));
        }
    }
    drop(inner);
    shared.bump();
}

pub(super) fn token_ok(shared: &Shared, token: &str) -> bool {
    match &shared.config.token {
        None => true,
        Some(expected) => token.trim_start_matches("Bot ") == expected.trim_start_matches("Bot "),
    }
}

pub(super) fn identify(
    shared: &Shared,
    inner: &mut Inner,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outgoing>,
    d: Value,
) {
    let token = d
        .get("token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !token_ok(shared, &token) {
        let _ = tx.send(Outgoing::Close(4004, "Authentication failed.".into()));
        return;
    }
    let shard = d
        .get("shard")
        .and_then(Value::as_array)
        .and_then(|a| Some([a.first()?.as_u64()? as u32, a.get(1)?.as_u64()? as u32]))
        .unwrap_or([0, 1]);
    if shard[1] == 0 || shard[0] >= shard[1] {
        let _ = tx.send(Outgoing::Close(4010, "Invalid shard.".into()));
        return;
    }
    let Some(intents) = d.get("intents").and_then(Value::as_u64) else {
        let _ = tx.send(Outgoing::Close(4013, "Invalid intent(s).".into()));
        return;
    };

    let session_id = format!("fake-session-{conn_id}-{:x}", inner.new_id());
    inner.identifies.push(IdentifyInfo {
        index: inner.identifies.len(),
        connection_id: conn_id,
        shard_id: shard[0],
        shard_total: shard[1],
        intents,
        token,
        compress: d.get("compress").and_then(Value::as_bool).unwrap_or(false),
        large_threshold: d.get("large_threshold").and_then(Value::as_u64),
        session_id: session_id.clone(),
        raw: d,
    });
    inner.sessions.insert(
        session_id.clone(),
        Session {
            shard,
            seq: 0,
            sent: Vec::new(),
            connection: Some(conn_id),
        },
    );
    if let Some(conn) = inner.connections.get_mut(&conn_id) {
        conn.session = Some(session_id.clone());
    }

    let guilds: Vec<Value> = shared
        .config
        .guild_ids
        .iter()
        .filter(|g| ((*g >> 22) % u64::from(shard[1])) as u32 == shard[0])
        .map(|g| json!({ "id": g.to_string(), "unavailable": true }))
        .collect();
    let ready = json!({
        "v": 10,
        "user": shared.bot_user(),
        "guilds": guilds,
        "session_id": session_id,
        "resume_gateway_url": shared.gateway_url,
        "shard": shard,
        "application": { "id": shared.config.application_id.to_string(), "flags": 0 },
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "_trace": ["fake-discord"],
    });
    send_dispatch(inner, &session_id, "READY", ready);
}

pub(super) fn resume(
    shared: &Shared,
    inner: &mut Inner,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outgoing>,
    d: &Value,
) {
    let token = d.get("token").and_then(Value::as_str).unwrap_or_default();
    if !token_ok(shared, token) {
        let _ = tx.send(Outgoing::Close(4004, "Authentication failed.".into()));
        return;
    }
    let session_id = d
        .get("session_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);

    let Some(session) = inner.sessions.get_mut(&session_id) else {
        inner.resumes.push(ResumeInfo {
            connection_id: conn_id,
            session_id,
            seq,
            accepted: false,
            replayed: 0,
        });
        let _ = tx.send(Outgoing::Frame(text(
            &json!({ "op": 9, "s": null, "t": null, "d": false }),
        )));
        return;
    };
    let old_conn = session.connection.replace(conn_id);
    let missed: Vec<Value> = session
        .sent
        .iter()
        .filter(|(s, _)| *s > seq)
        .map(|(_, f)| f.clone())
        .collect();
    for frame in &missed {
        let _ = tx.send(Outgoing::Frame(text(frame)));
    }
    if let Some(old) = old_conn.filter(|o| *o != conn_id) {
        if let Some(c) = inner.connections.get_mut(&old) {
            c.session = None;
            let _ = c.tx.send(Outgoing::Drop);
        }
    }
    if let Some(conn) = inner.connections.get_mut(&conn_id) {
        conn.session = Some(session_id.clone());
    }
    inner.resumes.push(ResumeInfo {
        connection_id: conn_id,
        session_id: session_id.clone(),
        seq,
        accepted: true,
        replayed: missed.len(),
    });
    send_dispatch(
        inner,
        &session_id,
        "RESUMED",
        json!({ "_trace": ["fake-discord"] }),
    );
}
