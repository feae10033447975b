//! Request arguments the way the Bot API server sees them: one flat map of
//! strings merged from the query string, a form body and a JSON body (a JSON
//! value that is not a string arrives as its JSON text, so `"chat_id": 5` and
//! `chat_id=5` are the same argument). Object-valued arguments such as
//! `reply_markup` are therefore accepted both as JSON objects and as JSON
//! strings, as on the real server. Also the server's lenient number and
//! boolean readers. No Telegram semantics beyond that live here.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Arguments of one call, plus the JSON the client sent (for the request log).
#[derive(Clone, Debug, Default)]
pub(crate) struct Args {
    strings: BTreeMap<String, String>,
    /// What was sent, with JSON types kept where the body was JSON.
    pub(crate) raw: Map<String, Value>,
}

/// Where a body came from, decided by its `Content-Type`.
pub(crate) enum BodyKind {
    Json,
    Form,
    /// multipart or anything else: the fake does not emulate uploads.
    Other,
}

impl Args {
    /// Later sources win, as in the server: query string, then the body.
    pub(crate) fn parse(query: Option<&str>, kind: BodyKind, body: &[u8]) -> Args {
        let mut args = Args::default();
        if let Some(q) = query {
            args.add_form(q.as_bytes());
        }
        match kind {
            BodyKind::Form => args.add_form(body),
            BodyKind::Json => {
                // A body that is not a JSON object carries no arguments.
                if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
                    for (k, v) in map {
                        let s = match &v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        args.strings.insert(k.clone(), s);
                        args.raw.insert(k, v);
                    }
                }
            }
            BodyKind::Other => {}
        }
        args
    }

    fn add_form(&mut self, bytes: &[u8]) {
        for (k, v) in url::form_urlencoded::parse(bytes) {
            self.strings.insert(k.to_string(), v.to_string());
            self.raw.insert(k.to_string(), Value::String(v.to_string()));
        }
    }

    /// The argument, `""` when absent (the server does not tell them apart).
    pub(crate) fn str(&self, name: &str) -> &str {
        self.strings.get(name).map(String::as_str).unwrap_or("")
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        !self.str(name).is_empty()
    }

    /// `to_bool` of the server: "true", "yes" or "1", any case, trimmed.
    pub(crate) fn bool(&self, name: &str) -> bool {
        let v = self.str(name).trim().to_ascii_lowercase();
        v == "true" || v == "yes" || v == "1"
    }

    /// `get_integer_arg`: default when absent, leading-digits parse otherwise
    /// (garbage reads as 0), then clamped.
    pub(crate) fn int(&self, name: &str, default: i64, min: i64, max: i64) -> i64 {
        let s = self.str(name);
        let v = if s.is_empty() { default } else { to_integer(s) };
        v.clamp(min, max)
    }

    /// An argument that holds JSON; `None` when absent, `Err` when it does not
    /// parse.
    pub(crate) fn json(&self, name: &str) -> Option<Result<Value, ()>> {
        let s = self.str(name);
        if s.is_empty() {
            return None;
        }
        Some(serde_json::from_str(s).map_err(|_| ()))
    }

    /// The request as a JSON object, for the call log.
    pub(crate) fn to_json(&self) -> Value {
        Value::Object(self.raw.clone())
    }
}

/// `td::to_integer`: optional sign, then leading digits; anything else is 0.
pub(crate) fn to_integer(s: &str) -> i64 {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut v: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        v = v.wrapping_mul(10).wrapping_add(i64::from(b - b'0'));
    }
    if neg { -v } else { v }
}
