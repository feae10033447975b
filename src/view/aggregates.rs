//! The read model's aggregates (issue 25, finding 2): every Space's 24 h / 7 d / 30 d
//! uptime and its 90-day bar, kept current instead of recomputed. A mirror of the
//! roll-up rows in the windows is read from the store once; after that each stored
//! cycle (this process's, or the leader's when this is a follower replica) is taken in
//! by re-reading only the buckets cycles write to (the hours and days since the
//! previous one), found through the change marker the cycle bumps. Pruning, a day
//! rolling over and the windows sliding are applied to the mirror, never re-read.
//!
//! Readers get an `Arc<Snapshot>`: computed from the mirror once per change or per
//! `FRESH` (the windows slide with time, as the memos did), then shared without copy.
//! A request that finds a refresh under way is served the snapshot before it (at most
//! one cycle old), so no request waits on a commit's aftermath.
//!
//! The figures equal the SQL ones (`Store::uptime_all`, `Store::daily_uptime_all`):
//! the rules are one text in `store/aggregates.rs`, and `tests` compares both.

#[cfg(test)]
mod tests;
mod usage;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};

use crate::store::{
    BarFrame, DayRow, DayUptime, Mark, Rollup, RollupRead, Store, StoreError, Uptime,
    UptimeWindows, UsageRow,
};

/// How long a snapshot may stand for a later `now` (the windows slide with time; a
/// minute's lag is within one check interval).
const FRESH: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// How far before the previous cycle a new one may have written (its checks are
/// stamped before its end; replicas' clocks differ a little).
const SLACK_MS: i64 = HOUR_MS;

/// The aggregates at one moment, shared by every reader.
#[derive(Debug)]
pub struct Snapshot {
    pub now: DateTime<Utc>,
    pub mark: Mark,
    /// Uptime by lowercased `owner/name`.
    pub uptime: HashMap<String, Uptime>,
    /// 90-day bars by lowercased `owner/name` (`super::BAR_DAYS` days each), drawn
    /// when asked.
    pub bars: Arc<Bars>,
    /// Billed time by a cost window's first hour, filled when first asked.
    costs: Mutex<HashMap<i64, Arc<Vec<UsageRow>>>>,
}

/// Every Space's 90-day bar, drawn from its daily rows when a page asks for it. At
/// 10,000 Spaces the drawn bars were 50 MB per snapshot (two while one replaced the
/// other) where a page shows a hundred of them; the rows are shared with the mirror
/// (a Space's are copied only when a cycle changes them while a snapshot holds them).
#[derive(Debug)]
pub struct Bars {
    frame: BarFrame,
    daily: Rows,
}

impl Bars {
    /// The bar of the Space with lowercased id `key`; `None` without a row in the
    /// days drawn.
    pub fn get(&self, key: &str) -> Option<Vec<DayUptime>> {
        let mut all = Vec::new();
        let daily = self.daily.get(key)?.gather(&mut all);
        let drawn = &daily[daily.partition_point(|row| row.0 < self.frame.from())..];
        (!drawn.is_empty()).then(|| self.frame.bar(drawn))
    }

    /// Every bar, by lowercased id (tests compare them with the SQL ones).
    pub fn drawn(&self) -> HashMap<String, Vec<DayUptime>> {
        self.daily
            .keys()
            .filter_map(|key| Some((key.clone(), self.get(key)?)))
            .collect()
    }
}

/// Roll-up rows by Space; the settled ones shared with snapshots' bars.
type Rows = HashMap<String, SpaceRows>;

/// One Space's roll-up rows, sorted by bucket, in two parts: the settled ones, before
/// the buckets cycles still write to, shared with the snapshots (`Arc`); and the open
/// ones, this mirror's own, which a cycle reads again. Every cycle writes every
/// Space's hour and day, so with one shared list a cycle copied all of them while a
/// snapshot held them (90 days of 10,000 Spaces, 22 MB, and the hours). Now the
/// settled part is copied only when a bucket settles or leaves the window (once an
/// hour, once a day).
#[derive(Debug, Clone, Default)]
struct SpaceRows {
    settled: Arc<Vec<DayRow>>,
    open: Vec<DayRow>,
}

impl SpaceRows {
    fn last(&self) -> Option<&DayRow> {
        self.open.last().or_else(|| self.settled.last())
    }

    fn is_empty(&self) -> bool {
        self.settled.is_empty() && self.open.is_empty()
    }

    /// Every row in order: one of the parts as it is, or both copied into `scratch`.
    fn gather<'a>(&'a self, scratch: &'a mut Vec<DayRow>) -> &'a [DayRow] {
        if self.open.is_empty() {
            return &self.settled;
        }
        if self.settled.is_empty() {
            return &self.open;
        }
        scratch.clear();
        scratch.extend_from_slice(&self.settled);
        scratch.extend_from_slice(&self.open);
        scratch
    }

    /// The open rows before `from` settle: no cycle writes them any more.
    fn settle(&mut self, from: i64) {
        let cut = self.open.partition_point(|row| row.0 < from);
        if cut > 0 {
            let settled = Arc::make_mut(&mut self.settled);
            settled.reserve_exact(cut);
            settled.extend(self.open.drain(..cut));
        }
    }

    /// Drops every bucket from `from` on (they are read again).
    fn drop_from(&mut self, from: i64) {
        let keep = self.open.partition_point(|row| row.0 < from);
        self.open.truncate(keep);
        // Only when the open buckets start earlier than before (replicas' clocks).
        if self.settled.last().is_some_and(|row| row.0 >= from) {
            let keep = self.settled.partition_point(|row| row.0 < from);
            Arc::make_mut(&mut self.settled).truncate(keep);
        }
    }

    /// Drops every bucket before `floor` (a prefix).
    fn drop_before(&mut self, floor: i64) {
        let cut = self.settled.partition_point(|row| row.0 < floor);
        if cut > 0 {
            // A new list, not a copy to drain: the snapshots keep the old one.
            self.settled = Arc::new(self.settled[cut..].to_vec());
        }
        let cut = self.open.partition_point(|row| row.0 < floor);
        self.open.drain(..cut);
    }
}

/// The roll-up rows in the windows, by Space as stored (`SpaceId::key`, lowercase).
#[derive(Debug, Default)]
struct Mirror {
    mark: Mark,
    hourly: Rows,
    daily: Rows,
    spans: Vec<(i64, i64)>,
    usage: usage::Usage,
    /// The oldest hour and day mirrored: a `now` that needs older ones rebuilds.
    hour_floor: i64,
    day_floor: i64,
}

/// The aggregates holder; one per process (`Monitor`).
#[derive(Debug, Default)]
pub struct Aggregates {
    mirror: tokio::sync::Mutex<Option<Mirror>>,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Every Space's state (`states.rs`).
    states: super::states::KeptStates,
    /// Set while this process's cycle stores its results and takes them in
    /// (`Monitor::tick`, `InCycle`): readers get the standing figures and states
    /// meanwhile, never the take-in. A page request that came between the commit and
    /// the cycle's own take-in began it itself: about a second once a cycle at 10,000
    /// Spaces (`cargo bench --bench scale`, answers over 300 ms).
    in_cycle: AtomicBool,
}

/// Readers are served the standing figures while this lives (`Aggregates::in_cycle`).
pub struct InCycle<'a>(&'a AtomicBool);

impl Drop for InCycle<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// The oldest hour and day any figure at `now` reads.
fn floors(now: i64) -> (i64, i64) {
    let hour = now - now.rem_euclid(HOUR_MS) - 23 * HOUR_MS;
    let today = now - now.rem_euclid(DAY_MS);
    (hour, today - i64::from(super::BAR_DAYS - 1) * DAY_MS)
}

impl Aggregates {
    fn current(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The snapshot for `now`: the standing one if nothing was stored since and it is
    /// fresh, else brought up to date (or the standing one while another caller does).
    pub async fn snapshot(
        &self,
        store: &Store,
        now: DateTime<Utc>,
    ) -> Result<Arc<Snapshot>, StoreError> {
        if self.in_cycle.load(Ordering::SeqCst)
            && let Some(standing) = self.current()
        {
            return Ok(standing);
        }
        self.take_in(store, now).await
    }

    /// Marks this process's cycle as storing and taking in its results until the
    /// guard drops (`Monitor::tick`).
    pub fn in_cycle(&self) -> InCycle<'_> {
        self.in_cycle.store(true, Ordering::SeqCst);
        InCycle(&self.in_cycle)
    }

    /// `snapshot`, brought up to date even during the cycle (its own take-in,
    /// `view::refresh`).
    pub async fn take_in(
        &self,
        store: &Store,
        now: DateTime<Utc>,
    ) -> Result<Arc<Snapshot>, StoreError> {
        let mark = store.read_mark().await?;
        let standing = self.current();
        if let Some(snapshot) = &standing
            && fits(snapshot, mark, now)
        {
            return Ok(Arc::clone(snapshot));
        }
        let mut mirror = match (self.mirror.try_lock(), standing) {
            (Ok(guard), _) => guard,
            (Err(_), Some(standing)) => return Ok(standing),
            (Err(_), None) => self.mirror.lock().await,
        };
        // Another caller may have brought it up to date while this one waited.
        if let Some(snapshot) = self.current()
            && fits(&snapshot, mark, now)
        {
            return Ok(snapshot);
        }
        let now_ms = now.timestamp_millis();
        let (hour_floor, day_floor) = floors(now_ms);
        let stale = mirror.as_ref().is_none_or(|m| {
            m.hour_floor > hour_floor || m.day_floor > day_floor || m.mark.cycle.is_none()
        });
        if stale {
            *mirror = Some(Mirror::build(store, mark, hour_floor, day_floor).await?);
        } else if let Some(m) = mirror.as_mut()
            && m.mark != mark
        {
            m.take_in(store, mark).await?;
        }
        let m = mirror
            .as_mut()
            .ok_or(StoreError::Query(sqlx::Error::RowNotFound))?;
        m.slide(hour_floor, day_floor);
        let snapshot = m.compute(now);
        // Billed time changes only with a stored cycle: the sums of the cost windows
        // already asked for stand while the mark does (only the time moved on).
        if let Some(before) = self.current()
            && before.mark == snapshot.mark
        {
            let kept = before
                .costs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            *snapshot.costs.lock().unwrap_or_else(|p| p.into_inner()) = kept;
        }
        let snapshot = Arc::new(snapshot);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&snapshot));
        Ok(snapshot)
    }
}

impl Aggregates {
    /// The change marker the standing figures were read at, `None` before the first
    /// read (`/readyz`); reads nothing.
    pub fn marker(&self) -> Option<i64> {
        self.current().map(|snapshot| snapshot.mark.counter)
    }

    /// Every Space's stored state, kept (`states.rs`).
    pub async fn states(&self, store: &Store) -> Result<Arc<super::States>, StoreError> {
        if self.in_cycle.load(Ordering::SeqCst)
            && let Some(standing) = self.states.standing()
        {
            return Ok(standing);
        }
        self.states.get(store).await
    }

    /// `states`, brought up to date even during the cycle (`view::refresh`).
    pub async fn take_in_states(&self, store: &Store) -> Result<Arc<super::States>, StoreError> {
        self.states.get(store).await
    }

    /// Billed time per Space and flavor from the whole hour `first` on (as
    /// `Store::usage_since`), from the kept sums when they reach back that far.
    pub async fn usage_since(
        &self,
        store: &Store,
        now: DateTime<Utc>,
        first: i64,
    ) -> Result<Arc<Vec<UsageRow>>, StoreError> {
        let snapshot = self.snapshot(store, now).await?;
        let kept = snapshot
            .costs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&first)
            .cloned();
        if let Some(kept) = kept {
            return Ok(kept);
        }
        let mut mirror = self.mirror.lock().await;
        let read = match mirror.as_mut() {
            // The mirror may be a cycle newer than the snapshot: newer sums do.
            Some(m) if m.usage.covers(first) => Arc::new(m.usage.since(store, first).await?),
            // Older than the kept days, or the mirror moved on: read it whole.
            _ => {
                let at = DateTime::from_timestamp_millis(first).unwrap_or(now);
                Arc::new(store.usage_since(at).await?)
            }
        };
        snapshot
            .costs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(first, Arc::clone(&read));
        Ok(read)
    }
}

/// Whether `snapshot` stands for (`mark`, `now`).
fn fits(snapshot: &Snapshot, mark: Mark, now: DateTime<Utc>) -> bool {
    let age = now.signed_duration_since(snapshot.now);
    snapshot.mark == mark && age >= chrono::TimeDelta::zero() && age < FRESH
}

/// The first hour cycles since `mark` may have written to (`SLACK_MS` before the last
/// one), or `otherwise` without a cycle.
fn band_start(mark: Mark, otherwise: i64) -> i64 {
    mark.cycle.map_or(otherwise, |(last, _)| {
        let since = last.saturating_sub(SLACK_MS);
        since - since.rem_euclid(HOUR_MS)
    })
}

/// Reads `table` from bucket `from` on into `into` by Space (row by row, never the
/// whole table at once), then sorts what came out of order.
async fn add_rows(
    into: &mut Rows,
    store: &Store,
    table: Rollup,
    from: i64,
    read: RollupRead,
) -> Result<(), StoreError> {
    let mut unsorted = HashSet::new();
    store
        .each_rollup_row(table, from, read, |space, row| {
            if !into.contains_key(space) {
                into.insert(space.to_owned(), SpaceRows::default());
            }
            let Some(rows) = into.get_mut(space) else {
                return;
            };
            if rows.last().is_some_and(|last| last.0 > row.0) {
                unsorted.insert(space.to_owned());
            }
            rows.open.push(row);
        })
        .await?;
    // What was read starts at `from`, after every settled row: only the open ones
    // can be out of order.
    for space in unsorted {
        if let Some(rows) = into.get_mut(&space) {
            rows.open.sort_unstable_by_key(|row| row.0);
        }
    }
    Ok(())
}

/// Drops every bucket before `floor`, and the Spaces left without one.
fn drop_before(from: &mut Rows, floor: i64) {
    from.retain(|_, rows| {
        rows.drop_before(floor);
        !rows.is_empty()
    });
}

/// Settles the buckets before `from` and drops the rest (they are read again).
fn reopen_from(rows: &mut Rows, from: i64) {
    for list in rows.values_mut() {
        list.settle(from);
        list.drop_from(from);
    }
}

/// Settles what `Mirror::build` read before the buckets the next cycle reads again.
fn settle(rows: &mut Rows, from: i64) {
    for list in rows.values_mut() {
        list.settle(from);
        list.open.shrink_to_fit();
    }
}

impl Mirror {
    /// Everything in the windows, read once.
    async fn build(
        store: &Store,
        mark: Mark,
        hour_floor: i64,
        day_floor: i64,
    ) -> Result<Mirror, StoreError> {
        let mut mirror = Mirror {
            mark,
            hour_floor,
            day_floor,
            ..Mirror::default()
        };
        let whole = RollupRead::Window;
        add_rows(&mut mirror.hourly, store, Rollup::Hourly, hour_floor, whole).await?;
        add_rows(&mut mirror.daily, store, Rollup::Daily, day_floor, whole).await?;
        let (hour_from, day_from) = mirror.open_from();
        settle(&mut mirror.hourly, hour_from);
        settle(&mut mirror.daily, day_from);
        mirror.spans = store.gap_spans(day_floor).await?;
        let now = hour_floor + 23 * HOUR_MS;
        mirror.usage = usage::Usage::build(store, now, band_start(mark, now)).await?;
        Ok(mirror)
    }

    /// Takes in the cycles stored since the mirror's mark: the buckets from the
    /// previous cycle's hour and day on are read again and replace what was there;
    /// buckets pruned away are dropped.
    async fn take_in(&mut self, store: &Store, mark: Mark) -> Result<(), StoreError> {
        let band = band_start(self.mark, self.hour_floor);
        let (hour_from, day_from) = self.open_from();
        let in_band = |rows: &Rows| -> HashSet<String> {
            rows.iter()
                .filter(|(_, list)| list.last().is_some_and(|row| row.0 >= hour_from))
                .map(|(space, _)| space.clone())
                .collect()
        };
        let before = in_band(&self.hourly);
        reopen_from(&mut self.hourly, hour_from);
        reopen_from(&mut self.daily, day_from);
        let recent = RollupRead::Recent;
        add_rows(&mut self.hourly, store, Rollup::Hourly, hour_from, recent).await?;
        add_rows(&mut self.daily, store, Rollup::Daily, day_from, recent).await?;
        // Checked now but not in the band before: billed in an older hour.
        let stale: HashSet<String> = in_band(&self.hourly).difference(&before).cloned().collect();
        self.usage.take_in(store, band, &stale).await?;
        if let Some(floor) = store.rollup_floor(Rollup::Hourly).await? {
            drop_before(&mut self.hourly, floor);
        }
        if let Some(floor) = store.rollup_floor(Rollup::Daily).await? {
            drop_before(&mut self.daily, floor);
        }
        self.spans = store.gap_spans(self.day_floor).await?;
        self.mark = mark;
        Ok(())
    }

    /// The first hour and day cycles since the mirror's mark may have written to: a
    /// cycle after it reads them again.
    fn open_from(&self) -> (i64, i64) {
        let last = self.mark.cycle.map_or(i64::MIN, |(last, _)| last);
        let since = last.saturating_sub(SLACK_MS);
        let hour_from = band_start(self.mark, self.hour_floor).max(self.hour_floor);
        let day_from = since
            .saturating_sub(since.rem_euclid(DAY_MS))
            .max(self.day_floor);
        (hour_from, day_from)
    }

    /// The windows moved on: buckets no figure reads any more are let go.
    fn slide(&mut self, hour_floor: i64, day_floor: i64) {
        self.usage.slide(hour_floor + 23 * HOUR_MS);
        if hour_floor > self.hour_floor {
            drop_before(&mut self.hourly, hour_floor);
            self.hour_floor = hour_floor;
        }
        if day_floor > self.day_floor {
            drop_before(&mut self.daily, day_floor);
            self.spans.retain(|&(_, end)| end > day_floor);
            self.day_floor = day_floor;
        }
    }

    /// The figures at `now`.
    fn compute(&self, now: DateTime<Utc>) -> Snapshot {
        let now_ms = now.timestamp_millis();
        let windows = UptimeWindows::at(now_ms, &self.spans, self.mark.cycle);
        let frame = BarFrame::at(now_ms, super::BAR_DAYS, &self.spans, self.mark.cycle);
        let mut uptime = HashMap::with_capacity(self.daily.len().max(self.hourly.len()));
        let (mut hours, mut days) = (Vec::new(), Vec::new());
        for (space, daily) in &self.daily {
            let hourly = self
                .hourly
                .get(space)
                .map_or(&[][..], |rows| rows.gather(&mut hours));
            if let Some(figures) = windows.uptime(hourly, daily.gather(&mut days)) {
                uptime.insert(space.clone(), figures);
            }
        }
        for (space, hourly) in self
            .hourly
            .iter()
            .filter(|(s, _)| !self.daily.contains_key(*s))
        {
            if let Some(figures) = windows.uptime(hourly.gather(&mut hours), &[]) {
                uptime.insert(space.clone(), figures);
            }
        }
        let bars = Bars {
            frame,
            daily: self.daily.clone(),
        };
        Snapshot {
            now,
            mark: self.mark,
            uptime,
            bars: Arc::new(bars),
            costs: Mutex::default(),
        }
    }
}
