//! The live-metrics relay: the page's viewers share the Hub's live-metrics streams.
//!
//! One upstream stream per Space, however many browsers watch it: the first viewer
//! opens it, later ones subscribe to the same broadcast, and the last one to leave
//! closes it (its drop guard aborts the task, which hangs up on the Hub). At most
//! `WEB_LIVE_STREAMS` upstream streams are open at once; a viewer past that is told
//! the relay is busy. A stream that fails is reopened with backoff (2 s doubling to
//! 1 min) while someone still watches. Every sample relayed is also kept in the
//! `SampleBook`, so the Space page's sparklines start with what was seen.
//!
//! Each upstream task runs under the supervisor's `catch`: a panic is logged and
//! counted (`live metrics` in `/metrics`), the Space's entry is dropped so its viewers'
//! streams end, and their browsers reconnect to a fresh one.

mod routes;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use super::samples::{Sample, SampleBook};
use crate::domain::SpaceId;
use crate::hub::HubError;
use crate::monitor::Monitor;

pub(super) use routes::router;

/// First wait before reopening a failed stream; doubles up to `RETRY_MAX`.
const RETRY_START: Duration = Duration::from_secs(2);
const RETRY_MAX: Duration = Duration::from_secs(60);
/// Events a slow viewer may fall behind before it skips ahead.
const BACKLOG: usize = 32;

/// What a viewer receives.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LiveEvent {
    Sample(Sample),
    Status(LiveStatus),
}

/// The state of a Space's upstream stream, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LiveStatus {
    /// `connecting`, `live`, `retrying` or `unavailable`.
    pub state: &'static str,
    pub message: String,
}

impl LiveStatus {
    fn event(state: &'static str, message: impl Into<String>) -> LiveEvent {
        LiveEvent::Status(LiveStatus {
            state,
            message: message.into(),
        })
    }
}

/// The relay is holding `WEB_LIVE_STREAMS` streams already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Busy;

/// Shares upstream streams among viewers; cheap to clone.
#[derive(Clone)]
pub(crate) struct LiveRelay {
    inner: Arc<Inner>,
}

struct Inner {
    monitor: Monitor,
    book: SampleBook,
    max: usize,
    streams: Mutex<HashMap<String, Upstream>>,
    generations: AtomicU64,
}

struct Upstream {
    /// Tells this entry from a later one for the same Space.
    generation: u64,
    sender: broadcast::Sender<LiveEvent>,
    viewers: usize,
    task: JoinHandle<()>,
}

/// One viewer's subscription; dropping it leaves.
pub(crate) struct Watch {
    receiver: broadcast::Receiver<LiveEvent>,
    _viewer: Viewer,
}

struct Viewer {
    inner: Arc<Inner>,
    key: String,
    generation: u64,
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let mut streams = self.inner.lock();
        if let Some(up) = streams.get_mut(&self.key)
            && up.generation == self.generation
        {
            up.viewers = up.viewers.saturating_sub(1);
            if up.viewers == 0
                && let Some(up) = streams.remove(&self.key)
            {
                up.task.abort();
            }
        }
    }
}

impl LiveRelay {
    pub(crate) fn new(monitor: Monitor, book: SampleBook, max: usize) -> LiveRelay {
        LiveRelay {
            inner: Arc::new(Inner {
                monitor,
                book,
                max,
                streams: Mutex::new(HashMap::new()),
                generations: AtomicU64::new(0),
            }),
        }
    }

    /// Upstream streams open now (`WebState::live_streams_open`, tests only).
    #[cfg(any(test, feature = "testkit"))]
    pub(crate) fn open_streams(&self) -> usize {
        self.inner.lock().len()
    }

    /// Starts watching `id`: joins its stream, or opens one if the cap allows.
    pub(crate) fn watch(&self, id: &SpaceId) -> Result<Watch, Busy> {
        let key = id.key();
        let mut streams = self.inner.lock();
        if let Some(up) = streams.get_mut(&key) {
            up.viewers += 1;
            return Ok(Watch {
                receiver: up.sender.subscribe(),
                _viewer: Viewer {
                    inner: self.inner.clone(),
                    key,
                    generation: up.generation,
                },
            });
        }
        if streams.len() >= self.inner.max {
            return Err(Busy);
        }
        let generation = self.inner.generations.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = broadcast::channel(BACKLOG);
        let task = tokio::spawn(run(
            Arc::downgrade(&self.inner),
            self.inner.monitor.clone(),
            self.inner.book.clone(),
            id.clone(),
            sender.clone(),
            generation,
        ));
        streams.insert(
            key.clone(),
            Upstream {
                generation,
                sender,
                viewers: 1,
                task,
            },
        );
        Ok(Watch {
            receiver,
            _viewer: Viewer {
                inner: self.inner.clone(),
                key,
                generation,
            },
        })
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Upstream>> {
        self.streams.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Watch {
    /// The events, until the upstream entry goes away. A viewer that fell behind
    /// skips to the newest events.
    pub(crate) fn into_stream(self) -> impl Stream<Item = LiveEvent> + Send + Unpin + 'static {
        stream::unfold(self, |mut watch| async move {
            loop {
                match watch.receiver.recv().await {
                    Ok(event) => return Some((event, watch)),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
        .boxed()
    }
}

/// The upstream task: `pump` under the supervisor. `pump` never returns, so getting
/// past `catch` means it panicked: the entry is dropped, its viewers' streams end.
async fn run(
    relay: Weak<Inner>,
    monitor: Monitor,
    book: SampleBook,
    id: SpaceId,
    sender: broadcast::Sender<LiveEvent>,
    generation: u64,
) {
    let supervisor = monitor.supervisor().clone();
    let key = id.key();
    supervisor
        .catch("live metrics", pump(monitor, book, id, sender))
        .await;
    if let Some(inner) = relay.upgrade() {
        let mut streams = inner.lock();
        if streams
            .get(&key)
            .is_some_and(|up| up.generation == generation)
        {
            streams.remove(&key);
        }
    }
}

async fn pump(
    monitor: Monitor,
    book: SampleBook,
    id: SpaceId,
    sender: broadcast::Sender<LiveEvent>,
) {
    let token = monitor.config().token_for(id.owner()).cloned();
    let mut wait = RETRY_START;
    loop {
        let _ = sender.send(LiveStatus::event("connecting", "Connecting to the Hub…"));
        match monitor.hub().live_metrics_stream(&id, token.as_ref()).await {
            Ok(mut samples) => {
                let mut live = false;
                while let Some(next) = samples.next().await {
                    match next {
                        Ok(sample) => {
                            if !live {
                                live = true;
                                wait = RETRY_START;
                                let _ = sender.send(LiveStatus::event("live", "Live"));
                            }
                            let sample = Sample::new(monitor.now(), &sample);
                            book.push(&id, sample.clone());
                            let _ = sender.send(LiveEvent::Sample(sample));
                        }
                        Err(e) => {
                            tracing::debug!(space = %id, error = %e, "live-metrics stream broke");
                            break;
                        }
                    }
                }
                let _ = sender.send(LiveStatus::event(
                    "retrying",
                    "The stream from the Hub ended; reconnecting…",
                ));
            }
            Err(e) => {
                tracing::info!(space = %id, error = %e, "cannot open the live-metrics stream");
                let _ = sender.send(LiveStatus::event("unavailable", unavailable(&e)));
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(RETRY_MAX);
    }
}

/// What a viewer is told; the Hub's own words stay in the log.
fn unavailable(error: &HubError) -> String {
    match error {
        HubError::NotFound(_) => {
            "No live metrics: the Space is not running, or the Hub does not show them.".into()
        }
        other => format!("No live metrics: {}. Retrying.", other.summary()),
    }
}
