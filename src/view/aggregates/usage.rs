//! Billed time kept current for the cost windows (the page's 30 days and month, the
//! `/costs` command's day and week): per Space and flavor, one sum per day of the last
//! `KEPT_DAYS`, plus the hourly values of the recent band that cycles write to, so a
//! re-read of that band turns into increments. A window starts on a whole hour: its
//! whole days come from the day sums, the hours of its first day from one small read,
//! kept until that day changes. The sums equal `Store::usage_since`.
//!
//! Billing goes to the hour of a Space's previous check. A Space that missed cycles is
//! billed in an hour before the band: the hourly roll-ups show which (`stale`), and
//! that Space's days are read again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::store::{Store, StoreError, UsageCell, UsageRow};

const DAY_MS: i64 = 86_400_000;
/// Days of sums kept: a month and its first day's hours.
pub(super) const KEPT_DAYS: i64 = 32;

type Key = (String, String);

/// One Space and flavor's billed time per day, sorted by day: a month of pairs, where
/// a map per key took twice the memory (64 buckets for 32 days, 10,000 times).
#[derive(Debug, Default)]
struct DaySums(Vec<(i64, i64)>);

impl DaySums {
    fn add(&mut self, day: i64, billed: i64) {
        match self.0.binary_search_by_key(&day, |&(d, _)| d) {
            Ok(i) => self.0[i].1 += billed,
            Err(i) => self.0.insert(i, (day, billed)),
        }
    }

    /// The sum of the days from `from` on.
    fn since(&self, from: i64) -> i64 {
        let start = self.0.partition_point(|&(d, _)| d < from);
        self.0[start..].iter().map(|&(_, b)| b).sum()
    }

    /// Lets the days before `floor` go.
    fn drop_before(&mut self, floor: i64) {
        let cut = self.0.partition_point(|&(d, _)| d < floor);
        self.0.drain(..cut);
    }
}

#[derive(Debug, Default)]
pub(super) struct Usage {
    /// The first day kept (a midnight).
    floor: i64,
    days: HashMap<Key, DaySums>,
    /// Hourly values from `band_from` on.
    band: HashMap<(Key, i64), i64>,
    band_from: i64,
    /// Billed time in `first..` its next midnight, by the window's first hour.
    first_days: HashMap<i64, Arc<HashMap<Key, i64>>>,
    /// The oldest usage bucket stored when last looked (pruning moves it).
    stored_floor: Option<i64>,
}

fn add_days(days: &mut HashMap<Key, DaySums>, cells: Vec<UsageCell>) {
    for (space, hardware, day, billed) in cells {
        days.entry((space, hardware)).or_default().add(day, billed);
    }
}

impl Usage {
    pub(super) async fn build(
        store: &Store,
        now: i64,
        band_from: i64,
    ) -> Result<Usage, StoreError> {
        let today = now - now.rem_euclid(DAY_MS);
        let floor = today - (KEPT_DAYS - 1) * DAY_MS;
        let mut usage = Usage {
            floor,
            band_from,
            stored_floor: store.usage_floor().await?,
            ..Usage::default()
        };
        add_days(&mut usage.days, store.usage_days(floor).await?);
        for (space, hardware, bucket, billed) in store.usage_hours(band_from).await? {
            usage.band.insert(((space, hardware), bucket), billed);
        }
        Ok(usage)
    }

    /// Whether the kept sums answer for windows starting at `first`.
    pub(super) fn covers(&self, first: i64) -> bool {
        first >= self.floor
    }

    /// Takes in what cycles billed since the last look: the band from `band_from` read
    /// again, and the days of the `stale` Spaces.
    pub(super) async fn take_in(
        &mut self,
        store: &Store,
        band_from: i64,
        stale: &HashSet<String>,
    ) -> Result<(), StoreError> {
        let band_from = band_from.max(self.band_from);
        let mut band = HashMap::new();
        let mut touched = i64::MAX;
        for (space, hardware, bucket, billed) in store.usage_hours(band_from).await? {
            let key = (space, hardware);
            let old = self.band.get(&(key.clone(), bucket)).copied().unwrap_or(0);
            if billed != old && bucket >= self.floor {
                let day = bucket - bucket.rem_euclid(DAY_MS);
                self.days
                    .entry(key.clone())
                    .or_default()
                    .add(day, billed - old);
                touched = touched.min(bucket);
            }
            band.insert((key, bucket), billed);
        }
        (self.band, self.band_from) = (band, band_from);
        for space in stale {
            self.days.retain(|(s, _), _| s != space);
            add_days(
                &mut self.days,
                store.usage_days_of(space, self.floor).await?,
            );
        }
        // A first day that took billed time since is read again when next asked.
        self.first_days.retain(|first, _| {
            let end = first - first.rem_euclid(DAY_MS) + DAY_MS;
            stale.is_empty() && touched >= end
        });
        // Pruning took rows inside the kept days (a retention under a month): the
        // sums are read again whole.
        let stored_floor = store.usage_floor().await?;
        if stored_floor > self.stored_floor && stored_floor.is_some_and(|f| f > self.floor) {
            let now = self.floor + (KEPT_DAYS - 1) * DAY_MS;
            *self = Usage::build(store, now, self.band_from).await?;
        }
        self.stored_floor = stored_floor;
        Ok(())
    }

    /// Day sums before the new floor are let go as the month window slides.
    pub(super) fn slide(&mut self, now: i64) {
        let today = now - now.rem_euclid(DAY_MS);
        let floor = today - (KEPT_DAYS - 1) * DAY_MS;
        if floor > self.floor {
            self.floor = floor;
            for sums in self.days.values_mut() {
                sums.drop_before(floor);
            }
            self.days.retain(|_, sums| !sums.0.is_empty());
            self.first_days.retain(|&first, _| first >= floor);
        }
    }

    /// Billed time per Space and flavor from the whole hour `first` on, by Space then
    /// flavor (as `Store::usage_since` orders it).
    pub(super) async fn since(
        &mut self,
        store: &Store,
        first: i64,
    ) -> Result<Vec<UsageRow>, StoreError> {
        let day = first - first.rem_euclid(DAY_MS);
        let partial = if first == day {
            None
        } else if let Some(kept) = self.first_days.get(&first) {
            Some(Arc::clone(kept))
        } else {
            let read = store.usage_between(first, day + DAY_MS).await?;
            let read: HashMap<Key, i64> = read.into_iter().map(|(s, h, b)| ((s, h), b)).collect();
            let read = Arc::new(read);
            self.first_days.insert(first, Arc::clone(&read));
            Some(read)
        };
        let whole_from = if partial.is_some() { day + DAY_MS } else { day };
        let mut rows: Vec<UsageRow> = Vec::new();
        for (key, sums) in &self.days {
            let mut billed: i64 = sums.since(whole_from);
            billed += partial
                .as_ref()
                .and_then(|p| p.get(key))
                .copied()
                .unwrap_or(0);
            if billed > 0 {
                rows.push(UsageRow {
                    space: key.0.clone(),
                    hardware: key.1.clone(),
                    billed_ms: billed,
                });
            }
        }
        // A flavor billed only in the first day's hours, with no day sum kept.
        if let Some(partial) = &partial {
            for (key, billed) in partial.iter().filter(|(k, _)| !self.days.contains_key(*k)) {
                rows.push(UsageRow {
                    space: key.0.clone(),
                    hardware: key.1.clone(),
                    billed_ms: *billed,
                });
            }
        }
        // Sorted by the stored (lowercase) key, as the SQL orders them; then named as
        // spelled, as the SQL names them.
        rows.sort_by(|a, b| (&a.space, &a.hardware).cmp(&(&b.space, &b.hardware)));
        let spelled = store.spelled_ids().await?;
        for row in &mut rows {
            if let Some(display) = spelled.get(&row.space) {
                row.space.clone_from(display);
            }
        }
        Ok(rows)
    }
}
