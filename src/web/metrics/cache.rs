//! `/metrics`' answer, rendered once per check cycle and kept: at 10,000 Spaces the
//! exposition is about 10 MB of text (one `space_verdict` line per Space and verdict),
//! too much to rebuild from the store for every scrape. Only its gzip (about 600 KB)
//! is kept, shared `Bytes`, so a gzip scrape (Prometheus asks for it) copies nothing;
//! the text is encoded straight into the compressor and never held whole (with its
//! growth it held 16 MB kept plus as much again while rendering), and a scraper that
//! takes no gzip gets it decompressed as it is sent, 64 KiB at a time.
//!
//! The exposition is rendered again when a cycle ends (the scheduler's counters move,
//! or the store's change marker: a follower replica runs no cycle of its own but sees
//! the leader's), or when it is `MAX_AGE` old, whichever comes first: a process
//! between long cycles still sees repairs, alerts and samples within a minute. A
//! marker that cannot be read counts as unchanged.
//! An exposition rendered without the store's figures is served but not kept, so the
//! next scrape tries the store again.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::monitor::SchedulerSnapshot;

/// How long a kept exposition stands when no cycle ends.
pub(super) const MAX_AGE: Duration = Duration::from_secs(60);

/// What moves when a cycle ends, stored or failed (or a tick is skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CycleMark([u64; 4]);

impl CycleMark {
    pub(super) fn of(s: &SchedulerSnapshot) -> CycleMark {
        CycleMark([
            s.cycles,
            s.failed_cycles,
            s.panicked_cycles,
            s.skipped_ticks,
        ])
    }
}

/// One rendered exposition, gzipped.
#[derive(Debug)]
pub(super) struct Exposition {
    pub gzip: Bytes,
}

/// Size of a piece of plain text sent to a scraper that takes no gzip.
const PLAIN_CHUNK: usize = 64 * 1024;

/// `fmt::Write` into the compressor (what `prometheus-client` encodes to), keeping the
/// first I/O error, which `fmt::Error` cannot carry.
pub(super) struct Compressing {
    into: std::io::BufWriter<GzEncoder<Vec<u8>>>,
    failed: Option<std::io::Error>,
}

impl std::fmt::Write for Compressing {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.into.write_all(s.as_bytes()).map_err(|e| {
            self.failed = Some(e);
            std::fmt::Error
        })
    }
}

impl Exposition {
    /// Compresses what `write` writes (the default level: it runs once per cycle, and
    /// at 10,000 Spaces it brings 10 MB to about 600 KB, under Prometheus' usual body
    /// limits).
    pub(super) fn write(
        write: impl FnOnce(&mut Compressing) -> std::fmt::Result,
    ) -> std::io::Result<Exposition> {
        let gzip = GzEncoder::new(Vec::new(), Compression::default());
        let mut to = Compressing {
            into: std::io::BufWriter::with_capacity(PLAIN_CHUNK, gzip),
            failed: None,
        };
        if write(&mut to).is_err() {
            return Err(to
                .failed
                .unwrap_or_else(|| std::io::Error::other("the exposition could not be written")));
        }
        let gzip = to.into.into_inner().map_err(|e| e.into_error())?.finish()?;
        Ok(Exposition {
            gzip: Bytes::from(gzip),
        })
    }

    /// The plain text, decompressed piece by piece as the body is sent.
    pub(super) fn plain(
        &self,
    ) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
        let reader = flate2::read::GzDecoder::new(std::io::Cursor::new(self.gzip.clone()));
        futures_util::stream::unfold(Some(reader), |reader| async move {
            let mut reader = reader?;
            let mut piece = vec![0; PLAIN_CHUNK];
            match std::io::Read::read(&mut reader, &mut piece) {
                Ok(0) => None,
                Ok(n) => {
                    piece.truncate(n);
                    Some((Ok(Bytes::from(piece)), Some(reader)))
                }
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}

#[derive(Debug)]
struct Kept {
    mark: CycleMark,
    /// The store's change marker when it was rendered.
    stored: Option<i64>,
    at: Instant,
    exposition: Arc<Exposition>,
}

/// Plain-text answers sent at once: each decompresses the whole exposition (10 MB at
/// 10,000 Spaces) as it goes, and `/metrics` answers anyone. Prometheus asks for gzip.
pub(super) const PLAIN_AT_ONCE: usize = 4;

/// The kept exposition, shared by every clone (the daemon's `Meters` carry it).
#[derive(Debug, Clone)]
pub struct ScrapeCache {
    // A tokio lock held while rendering: concurrent scrapes after a cycle wait for one
    // render instead of each reading the store.
    kept: Arc<tokio::sync::Mutex<Option<Kept>>>,
    /// The last kept exposition, served while the next one is rendered (at 10,000
    /// Spaces a render takes most of a second; at most one cycle old).
    standing: Arc<std::sync::RwLock<Option<Arc<Exposition>>>>,
    /// When a scrape last came: the daemon renders ahead after a cycle only for
    /// scrapers seen lately (`ahead`).
    asked: Arc<std::sync::Mutex<Option<Instant>>>,
    /// `PLAIN_AT_ONCE` permits, one held by each plain-text answer until it is sent.
    plain: Arc<tokio::sync::Semaphore>,
}

impl Default for ScrapeCache {
    fn default() -> ScrapeCache {
        ScrapeCache {
            kept: Arc::default(),
            standing: Arc::default(),
            asked: Arc::default(),
            plain: Arc::new(tokio::sync::Semaphore::new(PLAIN_AT_ONCE)),
        }
    }
}

/// How long after the last scrape the daemon still renders ahead after each cycle.
pub(super) const AHEAD_FOR: Duration = Duration::from_secs(600);

impl ScrapeCache {
    /// The kept exposition if it is of `mark` and `stored` (the store's change marker;
    /// `None` when unreadable, which matches any) and fresh, else `render`'s, kept when
    /// `render` says it is complete.
    pub(super) async fn get_or_render<F, E>(
        &self,
        mark: CycleMark,
        stored: Option<i64>,
        render: F,
    ) -> Result<Arc<Exposition>, E>
    where
        F: AsyncFnOnce() -> Result<(Exposition, bool), E>,
    {
        let mut kept = match self.kept.try_lock() {
            Ok(kept) => kept,
            Err(_) => match self.standing() {
                // Another render is under way: the one before it stands meanwhile.
                Some(standing) => return Ok(standing),
                None => self.kept.lock().await,
            },
        };
        if let Some(k) = kept.as_ref()
            && k.mark == mark
            && (stored.is_none() || stored == k.stored)
            && k.at.elapsed() < MAX_AGE
        {
            return Ok(Arc::clone(&k.exposition));
        }
        let stored = stored.or(kept.as_ref().and_then(|k| k.stored));
        let (exposition, complete) = render().await?;
        let exposition = Arc::new(exposition);
        *kept = complete.then(|| Kept {
            mark,
            stored,
            at: Instant::now(),
            exposition: Arc::clone(&exposition),
        });
        if complete {
            *self.standing.write().unwrap_or_else(|p| p.into_inner()) =
                Some(Arc::clone(&exposition));
        }
        Ok(exposition)
    }

    fn standing(&self) -> Option<Arc<Exposition>> {
        self.standing
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A plain-text answer's permit, or `None` when `PLAIN_AT_ONCE` are being sent.
    pub(super) fn plain_permit(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.plain).try_acquire_owned().ok()
    }

    /// A scrape came now.
    pub(super) fn asked(&self) {
        *self.asked.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
    }

    /// Whether a scrape came within `AHEAD_FOR`.
    pub(super) fn asked_lately(&self) -> bool {
        self.asked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|at| at.elapsed() < AHEAD_FOR)
    }
}

/// Whether `accept` (an `Accept-Encoding` value) takes gzip: listed (or `x-gzip`)
/// without `q=0`.
pub(super) fn accepts_gzip(accept: &str) -> bool {
    accept.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip")) && !refused
    })
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::io::Read;

    use super::*;

    #[test]
    fn gzip_is_taken_when_asked_without_q0() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("identity, GZIP;q=0.5"));
        assert!(accepts_gzip("deflate, x-gzip"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("br, deflate"));
        assert!(!accepts_gzip(""));
    }

    fn of(text: &str) -> Exposition {
        Exposition::write(|to| to.write_str(text)).unwrap()
    }

    /// The plain text as a scraper without gzip receives it.
    async fn plain(e: &Exposition) -> (String, usize) {
        use futures_util::TryStreamExt;
        let pieces: Vec<Bytes> = e.plain().try_collect().await.unwrap();
        let text = pieces.concat();
        (String::from_utf8(text).unwrap(), pieces.len())
    }

    #[tokio::test]
    async fn the_gzip_decodes_to_the_text_and_the_plain_text_comes_in_pieces() {
        // Over three pieces of plain text.
        let text = "spacewarden_space_up{space=\"a/b\"} 1\n".repeat(6000);
        let e = of(&text);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&e.gzip[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        assert!(e.gzip.len() < text.len() / 10);
        let (sent, pieces) = plain(&e).await;
        assert_eq!(sent, text);
        assert_eq!(pieces, text.len().div_ceil(PLAIN_CHUNK));
    }

    #[tokio::test]
    async fn while_one_renders_the_exposition_before_it_is_served() {
        let cache = ScrapeCache::default();
        let first = CycleMark([1, 0, 0, 0]);
        cache
            .get_or_render(first, Some(1), async || Ok::<_, ()>((of("one"), true)))
            .await
            .unwrap();
        // A render of the next cycle that stands until told to finish.
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        let renderer = cache.clone();
        let rendering = tokio::spawn(async move {
            renderer
                .get_or_render(CycleMark([2, 0, 0, 0]), Some(2), async move || {
                    finished.await.ok();
                    Ok::<_, ()>((of("two"), true))
                })
                .await
                .unwrap()
        });
        tokio::task::yield_now().await;
        while cache.kept.try_lock().is_ok() {
            tokio::task::yield_now().await;
        }
        let meanwhile = cache.get_or_render(CycleMark([2, 0, 0, 0]), Some(2), async || {
            Ok::<_, ()>((of("a second render"), true))
        });
        let meanwhile = tokio::time::timeout(Duration::from_secs(5), meanwhile)
            .await
            .expect("served without waiting for the render")
            .unwrap();
        assert_eq!(
            plain(&meanwhile).await.0,
            "one",
            "the one before, without waiting"
        );
        finish.send(()).unwrap();
        assert_eq!(plain(&rendering.await.unwrap()).await.0, "two");
        let after = cache
            .get_or_render(CycleMark([2, 0, 0, 0]), Some(2), async || {
                Ok::<_, ()>((of("three"), true))
            })
            .await
            .unwrap();
        assert_eq!(plain(&after).await.0, "two", "kept for its cycle");
    }

    #[test]
    fn plain_answers_are_bounded_and_a_sent_one_frees_its_place() {
        let cache = ScrapeCache::default();
        let held: Vec<_> = (0..PLAIN_AT_ONCE)
            .map(|_| cache.plain_permit().expect("a place"))
            .collect();
        assert!(cache.plain_permit().is_none(), "all places taken");
        drop(held);
        assert!(cache.plain_permit().is_some());
    }

    #[test]
    fn scrapes_seen_lately_are_remembered() {
        let cache = ScrapeCache::default();
        assert!(!cache.asked_lately(), "no scrape yet");
        cache.asked();
        assert!(cache.asked_lately());
    }

    #[test]
    fn a_failed_write_is_an_error() {
        let failed = Exposition::write(|to| {
            to.write_str("a")?;
            Err(std::fmt::Error)
        });
        assert!(failed.is_err());
    }

    #[tokio::test]
    async fn a_kept_exposition_stands_until_the_cycle_moves() {
        let cache = ScrapeCache::default();
        let mark = CycleMark([1, 0, 0, 0]);
        let render =
            |text: &'static str, complete: bool| async move || Ok::<_, ()>((of(text), complete));
        let first = cache
            .get_or_render(mark, Some(7), render("one", true))
            .await
            .unwrap();
        let again = cache
            .get_or_render(mark, Some(7), render("two", true))
            .await
            .unwrap();
        assert_eq!(
            plain(&again).await,
            plain(&first).await,
            "the same cycle: kept"
        );
        let next = CycleMark([2, 0, 0, 0]);
        let moved = cache
            .get_or_render(next, Some(7), render("three", false))
            .await
            .unwrap();
        assert_eq!(plain(&moved).await.0, "three");
        // Incomplete (no store): not kept, the next scrape renders again.
        let retried = cache
            .get_or_render(next, Some(7), render("four", true))
            .await
            .unwrap();
        assert_eq!(plain(&retried).await.0, "four");
        // A follower: its own cycles stand still, the store's marker moves.
        let followed = cache
            .get_or_render(next, Some(8), render("five", true))
            .await
            .unwrap();
        assert_eq!(
            plain(&followed).await.0,
            "five",
            "the leader stored a cycle"
        );
        // An unreadable marker matches what was kept.
        let unread = cache
            .get_or_render(next, None, render("six", true))
            .await
            .unwrap();
        assert_eq!(plain(&unread).await.0, "five");
    }
}
