//! Our own pacing of sends to Telegram's documented limits: about one message per
//! second in a chat, twenty per minute in a group, thirty per second overall.
//! teloxide's `Throttle` enforces the same, but its worker wakes every 250 ms, which
//! added a quarter second to every reply; this one lets a send through at once when
//! the limits allow it and otherwise waits exactly as long as needed.
//!
//! A chat whose last send left the longest window (a minute) can no longer hold
//! anything up, so it is forgotten: the map holds only chats sent to in the last two
//! minutes, which the overall limit caps at `MAX_CHATS`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

const PER_CHAT_SECOND: usize = 1;
const PER_GROUP_MINUTE: usize = 20;
const OVERALL_SECOND: usize = 30;
const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);
/// Pruning runs at most once a minute, so an entry outlives its last send by less
/// than two minutes; at thirty sends a second that is at most this many chats.
const MAX_CHATS: usize = 2 * 60 * OVERALL_SECOND;

#[derive(Default)]
pub struct Limiter {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    overall: VecDeque<Instant>,
    chats: HashMap<i64, VecDeque<Instant>>,
    /// When chats that went quiet are next forgotten; `None` before the first send.
    next_prune: Option<Instant>,
}

impl State {
    /// How long a send to `chat` must wait now. Reads only: a chat gets an entry when
    /// a send is counted, never while it waits, so waiters cannot grow the map.
    fn wait(&self, chat: i64, now: Instant) -> Duration {
        let overall = wait_for(&self.overall, OVERALL_SECOND, SECOND, now);
        let Some(sends) = self.chats.get(&chat) else {
            return overall;
        };
        let mut wait = overall.max(wait_for(sends, PER_CHAT_SECOND, SECOND, now));
        // Negative ids are groups and channels: also twenty a minute.
        if chat < 0 {
            wait = wait.max(wait_for(sends, PER_GROUP_MINUTE, MINUTE, now));
        }
        wait
    }

    /// Counts a send, dropping what has left its window.
    fn record(&mut self, chat: i64, now: Instant) {
        let sends = self.chats.entry(chat).or_default();
        while sends
            .front()
            .is_some_and(|at| now.duration_since(*at) >= MINUTE)
        {
            sends.pop_front();
        }
        sends.push_back(now);
        self.overall.push_back(now);
        while self
            .overall
            .front()
            .is_some_and(|at| now.duration_since(*at) >= SECOND)
        {
            self.overall.pop_front();
        }
        self.prune(now);
        debug_assert!(self.chats.len() <= MAX_CHATS, "{}", self.chats.len());
    }

    /// Forgets every chat with no send inside the last minute, at most once a minute
    /// (a sweep of the whole map on every send would cost more than it frees).
    fn prune(&mut self, now: Instant) {
        if self.next_prune.is_some_and(|at| now < at) {
            return;
        }
        self.chats.retain(|_, sends| {
            sends
                .back()
                .is_some_and(|at| now.duration_since(*at) < MINUTE)
        });
        self.next_prune = now.checked_add(MINUTE);
    }
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
                let wait = state.wait(chat, now);
                if wait.is_zero() {
                    state.record(chat, now);
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

    fn chats(limiter: &Limiter) -> usize {
        limiter.state.lock().unwrap().chats.len()
    }

    #[tokio::test(start_paused = true)]
    async fn forgets_chats_that_went_quiet() {
        let limiter = Limiter::default();
        // Thirty a second: chats 1-30 at 0 s, 31-60 at 1 s, 61-90 at 2 s, 91-100 at 3 s.
        for chat in 1..=100 {
            limiter.acquire(chat).await;
        }
        assert_eq!(chats(&limiter), 100);
        // At 61.5 s the first sweep is due: chats last sent to at 0 s and 1 s left the
        // minute; those of 2 s and 3 s could still hold up a send and stay.
        tokio::time::advance(Duration::from_millis(58_500)).await;
        limiter.acquire(1).await;
        assert_eq!(chats(&limiter), 1 + 40);
        // A minute later every one of them is forgotten.
        tokio::time::advance(MINUTE).await;
        limiter.acquire(1000).await;
        assert_eq!(chats(&limiter), 1, "only the chat just sent to");
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_sends_do_not_grow_the_map() {
        let limiter = std::sync::Arc::new(Limiter::default());
        limiter.acquire(-1).await;
        // Far more waiters than the overall limit lets through in a second.
        let waiters: Vec<_> = (0..200)
            .map(|chat| {
                let limiter = limiter.clone();
                tokio::spawn(async move { limiter.acquire(chat + 2).await })
            })
            .collect();
        // Paused time moves only once every waiter has been polled and sleeps.
        tokio::time::sleep(SECOND / 2).await;
        assert_eq!(chats(&limiter), OVERALL_SECOND, "only chats sent to");
        for waiter in waiters {
            waiter.await.unwrap();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_map_stays_bounded_under_the_overall_limit() {
        let limiter = Limiter::default();
        for chat in 0..(2 * MAX_CHATS as i64) {
            limiter.acquire(chat + 1).await;
            let held = chats(&limiter);
            assert!(held <= MAX_CHATS, "{held} chats held after {chat} sends");
        }
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
