//! What a test reads back: recorded requests, gateway activity, commands,
//! messages, callbacks and responses, plus async waits that wake on every
//! change of the fake's state (a `watch` counter) instead of polling. Waits
//! return `None`/`false` on timeout so a test can also assert that
//! something did not happen.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::FakeDiscord;
use super::state::State;
use super::types::{Callback, CommandScope, RecordedRequest};

impl FakeDiscord {
    /// Every REST call so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.read(|st| st.requests.clone())
    }

    /// REST calls whose path contains `fragment`.
    pub fn requests_to(&self, fragment: &str) -> Vec<RecordedRequest> {
        self.read(|st| {
            st.requests
                .iter()
                .filter(|r| r.path.contains(fragment))
                .cloned()
                .collect()
        })
    }

    /// Answers with status 401, 403 or 429 so far (Discord bans an IP that
    /// collects 10,000 of them in 10 minutes).
    pub fn invalid_request_count(&self) -> u64 {
        self.read(|st| st.invalid_requests)
    }

    /// The `d` of every IDENTIFY received, accepted or not.
    pub fn identify_payloads(&self) -> Vec<Value> {
        self.read(|st| st.identify_payloads.clone())
    }

    pub fn heartbeats(&self) -> u64 {
        self.read(|st| st.heartbeats)
    }

    /// Websocket connections opened so far.
    pub fn gateway_connections(&self) -> u64 {
        self.read(State::connections_opened)
    }

    /// Whether a connected session has received READY or RESUMED.
    pub fn is_ready(&self) -> bool {
        // Read-only: `wait_until` re-checks on every state change, so a
        // check that wrote would wake itself forever.
        self.read(|st| st.live_conn().is_some())
    }

    /// The last bulk overwrite for `scope` (empty if none).
    pub fn commands(&self, scope: CommandScope) -> Vec<Value> {
        self.read(|st| st.commands.get(&scope).cloned().unwrap_or_default())
    }

    /// Messages visible to everyone in the channel, oldest first, as they
    /// are now (after edits): channel posts and non-ephemeral interaction
    /// responses (those carry `interaction_metadata`).
    pub fn messages(&self, channel_id: u64) -> Vec<Value> {
        self.read(|st| {
            st.messages
                .iter()
                .filter(|m| m.channel_id == channel_id && !m.ephemeral)
                .map(|m| m.json.clone())
                .collect()
        })
    }

    /// Any stored message by id, ephemeral ones included.
    pub fn message(&self, message_id: u64) -> Option<Value> {
        self.read(|st| st.message(message_id).map(|m| m.json.clone()))
    }

    /// First responses to interactions, in the order received.
    pub fn callbacks(&self) -> Vec<Callback> {
        self.read(|st| {
            let mut all: Vec<Callback> = st
                .interactions
                .iter()
                .filter_map(|i| i.callback.clone())
                .collect();
            all.sort_by_key(|c| c.at);
            all
        })
    }

    pub fn callback(&self, interaction_id: u64) -> Option<Callback> {
        self.read(|st| st.interaction(interaction_id)?.callback.clone())
    }

    /// The original response message as it is now.
    pub fn original_response(&self, token: &str) -> Option<Value> {
        self.read(|st| original(st, token, 0))
    }

    /// Followup messages that created a new message (not the first one
    /// after a deferral, which replaced the original).
    pub fn followups(&self, token: &str) -> Vec<Value> {
        self.read(|st| {
            let ids = st
                .interactions
                .iter()
                .find(|i| i.token == token)
                .map(|i| i.followups.clone())
                .unwrap_or_default();
            ids.iter()
                .filter_map(|id| st.message(*id).map(|m| m.json.clone()))
                .collect()
        })
    }

    // ---- waits ----

    /// Re-checks `cond` after every change of the fake until it holds or
    /// `timeout` passes.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        mut cond: impl FnMut(&FakeDiscord) -> bool,
    ) -> bool {
        let mut rx = self.inner.shared.subscribe();
        let deadline = Instant::now() + timeout;
        loop {
            rx.borrow_and_update();
            if cond(self) {
                return true;
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                return cond(self);
            }
        }
    }

    async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut get: impl FnMut(&FakeDiscord) -> Option<T>,
    ) -> Option<T> {
        let mut out = None;
        self.wait_until(timeout, |f| {
            out = get(f);
            out.is_some()
        })
        .await;
        out
    }

    /// Until a gateway session is READY.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, FakeDiscord::is_ready).await
    }

    pub async fn wait_callback(&self, interaction_id: u64, timeout: Duration) -> Option<Callback> {
        self.wait_for(timeout, |f| f.callback(interaction_id)).await
    }

    /// Until the original response has been edited (PATCH `@original`, or
    /// the first followup after a deferral); returns it as it is then.
    pub async fn wait_original_edit(&self, token: &str, timeout: Duration) -> Option<Value> {
        self.wait_for(timeout, |f| f.read(|st| original(st, token, 1)))
            .await
    }

    /// Until the channel holds at least `n` visible messages; returns them.
    pub async fn wait_messages(
        &self,
        channel_id: u64,
        n: usize,
        timeout: Duration,
    ) -> Option<Vec<Value>> {
        self.wait_for(timeout, |f| {
            Some(f.messages(channel_id)).filter(|m| m.len() >= n)
        })
        .await
    }

    /// Until a bulk overwrite for `scope` arrived; returns the commands.
    pub async fn wait_commands(
        &self,
        scope: CommandScope,
        timeout: Duration,
    ) -> Option<Vec<Value>> {
        self.wait_for(timeout, |f| f.read(|st| st.commands.get(&scope).cloned()))
            .await
    }
}

/// The original response of `token` once edited at least `min_edits` times.
fn original(st: &State, token: &str, min_edits: u32) -> Option<Value> {
    let rec = st.interactions.iter().find(|i| i.token == token)?;
    if rec.original_edits < min_edits {
        return None;
    }
    st.message(rec.original_id?).map(|m| m.json.clone())
}
