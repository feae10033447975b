//! Our own pacing of sends to Telegram's documented limits: about one message per
//! second in a chat, twenty per minute in a group, thirty per second overall.
//! teloxide's `Throttle` enforces the same, but its worker wakes every 250 ms, which
//! added a quarter second to every reply; this one lets a send through at once when
//! the limits allow it and otherwise waits exactly as long as needed.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

const PER_CHAT_SECOND: usize = 1;
const PER_GROUP_MINUTE: usize = 20;
const OVERALL_SECOND: usize = 30;
const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct Limiter {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    overall: VecDeque<Instant>,
    chats: HashMap<i64, VecDeque<Instant>>,
}

/// How long until one more send fits `limit` sends per `window`, given past sends.
fn wait_for(sends: &VecDeque<Instant>, limit: usize, window: Duration, now: Instant) -> Duration {
    let recent: Vec<&Instant> = sends
        .iter()
        .filter(|at| now.duration_since(**at) < window)
        .collect();
    if recent.len() < limit {
        return Duration::ZERO;
    }
    // The oldest send that still counts must leave the window.
    let oldest = recent[recent.len() - limit];
    window.saturating_sub(now.duration_since(*oldest))
}

impl Limiter {
    /// Waits until a message to `chat` fits the limits, and counts it.
    pub async fn acquire(&self, chat: i64) {
        loop {
            let wait = {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let overall = wait_for(&state.overall, OVERALL_SECOND, SECOND, now);
                let sends = state.chats.entry(chat).or_default();
                while sends
                    .front()
                    .is_some_and(|at| now.duration_since(*at) >= MINUTE)
                {
                    sends.pop_front();
                }
                let mut wait = overall.max(wait_for(sends, PER_CHAT_SECOND, SECOND, now));
                // Negative ids are groups and channels: also twenty a minute.
                if chat < 0 {
                    wait = wait.max(wait_for(sends, PER_GROUP_MINUTE, MINUTE, now));
                }
                if wait.is_zero() {
                    sends.push_back(now);
                    state.overall.push_back(now);
                    while state
                        .overall
                        .front()
                        .is_some_and(|at| now.duration_since(*at) >= SECOND)
                    {
                        state.overall.pop_front();
                    }
                    return;
                }
                wait
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_to_telegrams_limits() {
        let limiter = Limiter::default();
        let start = Instant::now();
        limiter.acquire(42).await;
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the first send goes at once"
        );
        limiter.acquire(42).await;
        assert_eq!(start.elapsed(), SECOND, "one a second in a chat");
        limiter.acquire(7).await;
        assert_eq!(start.elapsed(), SECOND, "other chats are not held up");

        let group = -100;
        let start = Instant::now();
        for _ in 0..21 {
            limiter.acquire(group).await;
        }
        assert_eq!(start.elapsed(), MINUTE, "twenty a minute in a group");
    }

    #[tokio::test(start_paused = true)]
    async fn thirty_a_second_overall() {
        let limiter = Limiter::default();
        let start = Instant::now();
        for chat in 0..31 {
            limiter.acquire(chat + 1).await;
        }
        assert_eq!(start.elapsed(), SECOND);
    }
}
