//! Optional flood control (`FakeTelegram::enforce_limits(true)`; off by
//! default). Telegram publishes no exact algorithm, only "about 1 message
//! per second in a chat, 20 per minute in a group, 30 per second overall";
//! the fake implements exactly this rule, on `sendMessage` only:
//!
//! - private chat: at most 1 accepted message in any 1 s window;
//! - group, supergroup or channel: at most 20 in any 60 s window;
//! - all chats together: at most 30 in any 1 s window.
//!
//! A message over a limit is refused with 429 and `retry_after` = whole
//! seconds until the oldest message in the full window leaves it (at least
//! 1). Refused messages do not count. Time is tokio's, so paused-time tests
//! can step through it.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

use super::records::ChatKind;

#[derive(Default)]
pub(crate) struct Limits {
    pub(crate) enabled: bool,
    per_chat: HashMap<i64, VecDeque<Instant>>,
    global: VecDeque<Instant>,
}

struct Window {
    max: usize,
    span: Duration,
}

const PRIVATE: Window = Window {
    max: 1,
    span: Duration::from_secs(1),
};
const GROUP: Window = Window {
    max: 20,
    span: Duration::from_secs(60),
};
const GLOBAL: Window = Window {
    max: 30,
    span: Duration::from_secs(1),
};

impl Limits {
    /// `Err(retry_after)` when a message to this chat now would exceed a
    /// limit.
    pub(crate) fn check(&mut self, chat_id: i64, kind: ChatKind, now: Instant) -> Result<(), u32> {
        if !self.enabled {
            return Ok(());
        }
        let chat_window = if kind == ChatKind::Private {
            PRIVATE
        } else {
            GROUP
        };
        let chat = self.per_chat.entry(chat_id).or_default();
        let waits = [
            wait(chat, &chat_window, now),
            wait(&mut self.global, &GLOBAL, now),
        ];
        match waits.into_iter().flatten().max() {
            Some(secs) => Err(secs),
            None => Ok(()),
        }
    }

    pub(crate) fn record(&mut self, chat_id: i64, now: Instant) {
        if !self.enabled {
            return;
        }
        self.per_chat.entry(chat_id).or_default().push_back(now);
        self.global.push_back(now);
    }
}

/// Drops entries that left the window; `Some(secs)` when it is full.
fn wait(times: &mut VecDeque<Instant>, w: &Window, now: Instant) -> Option<u32> {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= w.span)
    {
        times.pop_front();
    }
    if times.len() < w.max {
        return None;
    }
    let oldest = *times.front()?;
    let left = w.span.saturating_sub(now.duration_since(oldest));
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    Some(u32::try_from(secs.max(1)).unwrap_or(u32::MAX))
}
