//! Receiving updates: `getUpdates` long polling, `getWebhookInfo`,
//! `deleteWebhook`, and `answerCallbackQuery`, following the Bot API
//! server's `process_get_updates_query` and `do_get_updates`:
//!
//! - `limit` is clamped to 1..=100 (default 100), `timeout` to 0..=50 s;
//! - a positive `offset` confirms (drops) every earlier update, unless it is
//!   more than 10 past the queue's tail, which the server ignores; a
//!   negative one keeps only the last |offset| updates;
//! - with no update ready the call is held until one is queued (answered at
//!   once) or `timeout` passes; a newer held call ends the older one with
//!   409 "Conflict: terminated by other getUpdates request; …";
//! - the server's guard against spinning clients: the same `offset` again
//!   within 3 s waits at least 3 s, and within 0.5 s gets at most one
//!   update (`FakeTelegram::set_poll_spin_guard(false)` turns this off);
//! - `allowed_updates` is remembered until changed; `[]` restores the
//!   default; updates of excluded kinds are never queued.
//!
//! Choice where the docs are silent: the server also delays a repeated 409
//! by 3 s; the fake answers every 409 at once.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::args::Args;
use super::records::CallbackAnswer;
use super::reply::{Answer, ApiError};
use super::state::{Shared, State};
use super::{render, text};

const CONFLICT: &str = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

/// The registration of a held poll; dropping it (answered or abandoned by
/// the client) frees the slot if it is still ours.
struct Held {
    id: u64,
    rx: oneshot::Receiver<()>,
    shared: Arc<Shared>,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        if st
            .poll
            .waiter
            .as_ref()
            .is_some_and(|(id, _)| *id == self.id)
        {
            st.poll.waiter = None;
        }
    }
}

fn hold(st: &mut State, shared: &Arc<Shared>) -> Held {
    if let Some((_, older)) = st.poll.waiter.take() {
        let _ = older.send(());
    }
    st.poll.next_waiter += 1;
    let id = st.poll.next_waiter;
    let (tx, rx) = oneshot::channel();
    st.poll.waiter = Some((id, tx));
    Held {
        id,
        rx,
        shared: shared.clone(),
    }
}

/// Drops confirmed updates, as `TQueue::get(…, forget_previous)` does.
fn confirm(st: &mut State, offset: i64) {
    if offset < 0 {
        let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
        while st.queue.len() > keep {
            st.queue.pop_front();
        }
    } else if offset > 0 && offset <= st.next_update_id + 10 {
        while st.queue.front().is_some_and(|q| q.id < offset) {
            st.queue.pop_front();
        }
    }
}

pub(crate) async fn get_updates(shared: &Arc<Shared>, args: &Args) -> Result<Answer, ApiError> {
    let offset = args.int("offset", 0, i64::from(i32::MIN), i64::from(i32::MAX));
    let mut limit = args.int("limit", 100, 1, 100);
    let mut timeout = args.int("timeout", 0, 0, 50);
    {
        let mut st = shared.lock();
        if !st.webhook_url.is_empty() {
            return Err(ApiError::api(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook \
                 to delete the webhook first",
            ));
        }
        if let Some(Ok(Value::Array(kinds))) = args.json("allowed_updates") {
            let kinds: Vec<String> = kinds
                .iter()
                .filter_map(|k| k.as_str().map(String::from))
                .collect();
            st.allowed_updates = (!kinds.is_empty()).then_some(kinds);
        }
        let now = Instant::now();
        if st.poll.spin_guard
            && st.poll.prev_offset == Some(offset)
            && let Some(since) = st.poll.prev_start.map(|t| now.duration_since(t))
        {
            if timeout < 3 && since < Duration::from_secs(3) {
                timeout = 3;
            }
            if since < Duration::from_millis(500) {
                limit = 1;
            }
        }
        st.poll.prev_offset = Some(offset);
        st.poll.prev_start = Some(now);
    }
    let deadline = Instant::now() + Duration::from_secs(timeout.unsigned_abs());
    let mut held: Option<Held> = None;
    loop {
        let notified = shared.updates.notified();
        tokio::pin!(notified);
        // Registered before looking, so a push in between is not missed.
        notified.as_mut().enable();
        {
            let mut st = shared.lock();
            confirm(&mut st, offset);
            let batch: Vec<Value> = st
                .queue
                .iter()
                .take(usize::try_from(limit).unwrap_or(100))
                .map(|q| q.body.clone())
                .collect();
            let closed = shared.closed.load(Ordering::Relaxed);
            if !batch.is_empty() || timeout == 0 || Instant::now() >= deadline || closed {
                return Ok(Value::Array(batch).into());
            }
            if held.is_none() {
                held = Some(hold(&mut st, shared));
            }
        }
        let rx = &mut held.as_mut().expect("registered above").rx;
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep_until(deadline) => {}
            _ = rx => return Err(ApiError::api(409, CONFLICT)),
        }
    }
}

pub(crate) fn get_webhook_info(shared: &Shared) -> Result<Answer, ApiError> {
    Ok(render::webhook_info(&shared.lock()).into())
}

pub(crate) fn delete_webhook(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let mut st = shared.lock();
    if args.bool("drop_pending_updates") {
        st.queue.clear();
    }
    let was_set = !std::mem::take(&mut st.webhook_url).is_empty();
    Ok(Answer {
        result: json!(true),
        description: Some(if was_set {
            "Webhook was deleted"
        } else {
            "Webhook is already deleted"
        }),
    })
}

/// An unknown or already answered id is QUERY_ID_INVALID; text over 200
/// UTF-16 units is Telegram's MESSAGE_TOO_LONG and leaves the query
/// unanswered. Choice where the docs are silent: queries never expire here.
pub(crate) fn answer_callback_query(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let id = args.str("callback_query_id");
    let mut st = shared.lock();
    if st.callbacks.get(id) != Some(&false) {
        return Err(ApiError::bad(
            "query is too old and response timeout expired or query ID is invalid",
        ));
    }
    if text::utf16_len(args.str("text")) > 200 {
        return Err(ApiError::bad("MESSAGE_TOO_LONG"));
    }
    st.callbacks.insert(id.to_string(), true);
    st.answers.push(CallbackAnswer {
        callback_query_id: id.to_string(),
        text: Some(args.str("text").to_string()).filter(|t| !t.is_empty()),
        show_alert: args.bool("show_alert"),
        url: Some(args.str("url").to_string()).filter(|u| !u.is_empty()),
    });
    Ok(json!(true).into())
}
