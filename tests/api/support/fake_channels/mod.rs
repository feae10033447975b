//! Fakes of the team-chat robots and phone pushes (DingTalk, Feishu/Lark, WeCom,
//! ServerChan, PushPlus, Bark, ntfy, Gotify, Slack), one small axum server each on 127.0.0.1 port 0, built from
//! docs/reference/alert-channels.md. Each checks what the real service checks (the
//! credential in the URL or body, the signature and its time window, the keyword, the
//! message shape and size) and answers with the service's own codes, HTTP 200 and a
//! failure code in the body where the service does that. Tests steer one answer at a
//! time (`throttle_next`: the service's rate-limit or busy answer) and read back what
//! was accepted and what was refused with which code.
#![allow(dead_code)]

pub mod bark;
pub mod dingtalk;
pub mod feishu;
pub mod gotify;
pub mod ntfy;
pub mod pushplus;
pub mod serverchan;
pub mod slack;
pub mod wecom;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use serde_json::Value;

/// What one fake saw and what it was told to do next.
#[derive(Default)]
struct Record {
    accepted: Vec<Value>,
    accepted_at: Vec<Instant>,
    refused: Vec<i64>,
    throttle: usize,
    /// Requests that arrived, answered or not.
    arrived: usize,
    /// How long the next request waits before it is answered.
    hang: Option<Duration>,
}

/// One running fake: its base URL and its record.
#[derive(Clone)]
pub struct Fake {
    record: Arc<Mutex<Record>>,
    base: String,
}

impl Fake {
    /// Serves `app` (built around `record`) on 127.0.0.1, any free port.
    async fn serve(app: impl FnOnce(Fake) -> Router) -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = Fake {
            record: Arc::default(),
            base: format!("http://{}", listener.local_addr().unwrap()),
        };
        let pausing = fake.clone();
        let router = app(fake.clone()).layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let fake = pausing.clone();
                async move {
                    fake.arrive().await;
                    next.run(request).await
                }
            },
        ));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        fake
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The next `n` well-formed, well-signed requests get the service's rate-limit (or
    /// busy) answer instead of being accepted.
    pub fn throttle_next(&self, n: usize) {
        self.record.lock().unwrap().throttle = n;
    }

    /// The next request waits `wait` before it is answered (a slow service, so a test
    /// can kill the sender while the request is in flight).
    pub fn hang_next(&self, wait: Duration) {
        self.record.lock().unwrap().hang = Some(wait);
    }

    /// How many requests arrived, answered or not.
    pub fn arrived(&self) -> usize {
        self.record.lock().unwrap().arrived
    }

    async fn arrive(&self) {
        let hang = {
            let mut record = self.record.lock().unwrap();
            record.arrived += 1;
            record.hang.take()
        };
        if let Some(wait) = hang {
            tokio::time::sleep(wait).await;
        }
    }

    /// Every body the fake accepted (it would have shown them), in order.
    pub fn accepted(&self) -> Vec<Value> {
        self.record.lock().unwrap().accepted.clone()
    }

    /// Every accepted body with when it was accepted (the soak's evidence).
    pub fn accepted_timed(&self) -> Vec<(Instant, Value)> {
        let record = self.record.lock().unwrap();
        record
            .accepted_at
            .iter()
            .copied()
            .zip(record.accepted.iter().cloned())
            .collect()
    }

    /// The code of every refused request, in order.
    pub fn refused(&self) -> Vec<i64> {
        self.record.lock().unwrap().refused.clone()
    }

    fn refuse(&self, code: i64) {
        self.record.lock().unwrap().refused.push(code);
    }

    /// Whether this request is to be throttled: told to, or over `per_minute`
    /// accepted in the last minute (the service's own limit).
    fn throttled(&self, per_minute: usize) -> bool {
        let mut record = self.record.lock().unwrap();
        if record.throttle > 0 {
            record.throttle -= 1;
            return true;
        }
        let minute_ago = Instant::now().checked_sub(Duration::from_secs(60));
        let recent = record
            .accepted_at
            .iter()
            .filter(|at| minute_ago.is_none_or(|m| **at > m))
            .count();
        recent >= per_minute
    }

    fn accept(&self, body: Value) {
        let mut record = self.record.lock().unwrap();
        record.accepted.push(body);
        record.accepted_at.push(Instant::now());
    }
}

/// base64(HMAC-SHA256(key, message)), written here from the services' documentation
/// and not borrowed from spacewarden, so a wrong signature in the daemon stays wrong.
fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The text of a JSON field, or "".
fn text<'a>(body: &'a Value, pointer: &str) -> &'a str {
    body.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}
