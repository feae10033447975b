//! The gateway websocket at `/gateway?v=10&encoding=json`: HELLO on
//! connect, IDENTIFY checked for token and intents (close 4004 / 4013 /
//! 4014), READY then one GUILD_CREATE per guild, heartbeat ACKs, RESUME,
//! and dispatches pushed by the test. All frames are text JSON (serenity
//! inflates only binary frames, so `compress: true` in IDENTIFY is ignored,
//! as Discord does for text-mode sessions).
//!
//! Frames leave through a per-connection channel, so a test's dispatch can
//! never overtake READY. Choices where the docs are silent: a RESUME for an
//! unknown session gets op 9 `false`; events dispatched while the bot was
//! disconnected are not replayed; a `v` other than 10 is closed with 4012.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State as AxumState};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::payloads;
use super::state::{Outgoing, Session, Shared, State};
use super::types::{KNOWN_INTENTS, PRIVILEGED_INTENTS};

pub(super) async fn upgrade(
    AxumState(shared): AxumState<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let version_ok = query.get("v").is_none_or(|v| v == "10");
    ws.on_upgrade(move |socket| run(socket, shared, version_ok))
}

fn frame(op: u8, d: Value, s: Option<u64>, t: Option<&str>) -> String {
    json!({ "t": t, "s": s, "op": op, "d": d }).to_string()
}

async fn run(socket: WebSocket, shared: Arc<Shared>, version_ok: bool) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn = shared.update(|st| {
        let conn = st.next_conn();
        let interval = st.heartbeat_interval().as_millis() as u64;
        let hello = json!({ "heartbeat_interval": interval, "_trace": [payloads::trace()] });
        let _ = tx.send(Outgoing::Text(frame(10, hello, None, None)));
        if !version_ok {
            let _ = tx.send(Outgoing::Close(4012, "Invalid API version.".into()));
        }
        st.sessions.push(Session {
            conn,
            tx: tx.clone(),
            connected: true,
            session_id: None,
            ready: false,
            seq: 0,
            intents: 0,
        });
        conn
    });
    drop(tx);
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Text(text)) => {
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code, reason)) => {
                    let close = CloseFrame { code, reason: reason.into() };
                    let _ = sink.send(Message::Close(Some(close))).await;
                    break;
                }
                None => break,
            },
            inc = stream.next() => match inc {
                Some(Ok(Message::Text(text))) => shared.update(|st| on_frame(st, conn, text.as_str())),
                Some(Ok(Message::Binary(_))) => shared.update(|st| {
                    close(st, conn, 4002, "Error while decoding payload.");
                }),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            },
        }
    }
    shared.update(|st| {
        if let Some(s) = st.session_mut(conn) {
            s.connected = false;
            s.ready = false;
        }
    });
}

fn send(st: &mut State, conn: u64, text: String) {
    if let Some(s) = st.session_mut(conn) {
        let _ = s.tx.send(Outgoing::Text(text));
    }
}

fn close(st: &mut State, conn: u64, code: u16, reason: &str) {
    if let Some(s) = st.session_mut(conn) {
        let _ = s.tx.send(Outgoing::Close(code, reason.to_string()));
        s.ready = false;
    }
}

/// Sends a dispatch on connection `conn` with the session's next sequence
/// number; returns it.
pub(super) fn dispatch(st: &mut State, conn: u64, t: &str, d: Value) -> Option<u64> {
    let s = st.session_mut(conn)?;
    s.seq += 1;
    let seq = s.seq;
    s.tx.send(Outgoing::Text(frame(0, d, Some(seq), Some(t))))
        .ok()?;
    Some(seq)
}

fn on_frame(st: &mut State, conn: u64, text: &str) {
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        return close(st, conn, 4002, "Error while decoding payload.");
    };
    let d = payload.get("d").cloned().unwrap_or(Value::Null);
    let identified = st.session_mut(conn).is_some_and(|s| s.session_id.is_some());
    match payload.get("op").and_then(Value::as_u64) {
        Some(1) => {
            st.heartbeats += 1;
            send(st, conn, frame(11, Value::Null, None, None));
        }
        Some(2) if identified => close(st, conn, 4005, "Already authenticated."),
        Some(2) => identify(st, conn, d),
        Some(6) => resume(st, conn, &d),
        Some(3 | 4 | 8 | 31) if identified => {}
        Some(3 | 4 | 8 | 31) => close(st, conn, 4003, "Not authenticated."),
        _ => close(st, conn, 4001, "Unknown opcode."),
    }
}

fn token_ok(st: &State, d: &Value) -> bool {
    let token = d.get("token").and_then(Value::as_str).unwrap_or("");
    let want = &st.cfg.token;
    token == want || token.strip_prefix("Bot ") == Some(want.as_str())
}

fn identify(st: &mut State, conn: u64, d: Value) {
    st.identify_payloads.push(d.clone());
    if !token_ok(st, &d) {
        return close(st, conn, 4004, "Authentication failed.");
    }
    let Some(intents) = d.get("intents").and_then(Value::as_u64) else {
        return close(st, conn, 4013, "Invalid intent(s).");
    };
    if intents & !KNOWN_INTENTS != 0 {
        return close(st, conn, 4013, "Invalid intent(s).");
    }
    if intents & PRIVILEGED_INTENTS & !st.enabled_intents != 0 {
        return close(st, conn, 4014, "Disallowed intent(s).");
    }
    let shard = d.get("shard").cloned().filter(|s| !s.is_null());
    if let Some(pair) = shard.as_ref().and_then(Value::as_array) {
        let (id, total) = (
            pair.first().and_then(Value::as_u64),
            pair.get(1).and_then(Value::as_u64),
        );
        if !matches!((id, total), (Some(i), Some(t)) if i < t) {
            return close(st, conn, 4010, "Invalid shard.");
        }
    }
    let session_id = format!(
        "{:032x}",
        u128::from(st.snowflake()).wrapping_mul(0x2545_f491_4f6c_dd1d)
    );
    let ready = payloads::ready(st, &session_id, shard, &st.gateway_url);
    if let Some(s) = st.session_mut(conn) {
        s.session_id = Some(session_id);
        s.intents = intents;
        s.ready = true;
    }
    dispatch(st, conn, "READY", ready);
    if intents & 1 != 0 {
        let guilds: Vec<Value> = st
            .guilds
            .iter()
            .map(|g| payloads::guild_create(st, g))
            .collect();
        for g in guilds {
            dispatch(st, conn, "GUILD_CREATE", g);
        }
    }
}

fn resume(st: &mut State, conn: u64, d: &Value) {
    if !token_ok(st, d) {
        return close(st, conn, 4004, "Authentication failed.");
    }
    let wanted = d.get("session_id").and_then(Value::as_str).unwrap_or("");
    let old = st
        .sessions
        .iter()
        .position(|s| s.conn != conn && s.session_id.as_deref() == Some(wanted));
    let Some(old) = old else {
        return send(st, conn, frame(9, json!(false), None, None));
    };
    let old = st.sessions.remove(old);
    if old.connected {
        let _ = old
            .tx
            .send(Outgoing::Close(4000, "Session resumed elsewhere.".into()));
    }
    if let Some(s) = st.session_mut(conn) {
        s.session_id = old.session_id;
        s.seq = old.seq;
        s.intents = old.intents;
        s.ready = true;
    }
    dispatch(
        st,
        conn,
        "RESUMED",
        json!({ "_trace": [payloads::trace()] }),
    );
}
