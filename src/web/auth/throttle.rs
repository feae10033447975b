//! The login throttle: at most `LIMIT` failed sign-ins per client in `WINDOW`; the next
//! attempt gets 429 with `Retry-After` before any password is checked. The map is
//! bounded (`MAX_CLIENTS`): when full, clients whose failures have aged out go first,
//! then the one that failed longest ago, so a flood of addresses costs memory once.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::time;

/// Failed sign-ins a client may have in `WINDOW`.
pub(super) const LIMIT: usize = 5;
pub(super) const WINDOW: Duration = Duration::from_secs(60);
/// Clients remembered at most.
const MAX_CLIENTS: usize = 10_000;

#[derive(Debug, Default)]
pub(super) struct Throttle {
    failures: Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
}

impl Throttle {
    /// `Err(wait)` when `client` used up its failures: how long until one ages out.
    pub(super) fn check(&self, client: IpAddr, now: DateTime<Utc>) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = failures.get_mut(&client) else {
            return Ok(());
        };
        forget_old(times, now);
        if times.len() < LIMIT {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        let frees = time::after(oldest, WINDOW);
        Err(time::elapsed(now, frees).max(Duration::from_secs(1)))
    }

    pub(super) fn failed(&self, client: IpAddr, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_CLIENTS && !failures.contains_key(&client) {
            failures.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
            if failures.len() >= MAX_CLIENTS {
                let stalest = failures
                    .iter()
                    .min_by_key(|(_, times)| times.back().copied())
                    .map(|(ip, _)| *ip);
                if let Some(ip) = stalest {
                    failures.remove(&ip);
                }
            }
        }
        let times = failures.entry(client).or_default();
        forget_old(times, now);
        times.push_back(now);
        while times.len() > LIMIT {
            times.pop_front();
        }
    }

    pub(super) fn succeeded(&self, client: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&client);
    }

    #[cfg(test)]
    fn clients(&self) -> usize {
        self.failures.lock().unwrap().len()
    }
}

fn forget_old(times: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) {
    let since = time::before(now, WINDOW);
    while times.front().is_some_and(|at| *at <= since) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use chrono::TimeZone;

    use super::*;

    #[test]
    fn five_failures_a_minute_then_wait() {
        let throttle = Throttle::default();
        let client = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        for i in 0..LIMIT as i64 {
            assert_eq!(throttle.check(client, t0), Ok(()));
            throttle.failed(client, t0 + chrono::Duration::seconds(i));
        }
        let now = t0 + chrono::Duration::seconds(10);
        assert_eq!(throttle.check(client, now), Err(Duration::from_secs(50)));
        let other = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
        assert_eq!(throttle.check(other, now), Ok(()), "per client");
        assert_eq!(
            throttle.check(client, t0 + chrono::Duration::seconds(60)),
            Ok(()),
            "the first failure aged out"
        );
        throttle.succeeded(client);
        assert_eq!(throttle.check(client, now), Ok(()));
    }

    #[test]
    fn the_map_stays_bounded() {
        let throttle = Throttle::default();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        for i in 0..(MAX_CLIENTS as u32 + 50) {
            throttle.failed(IpAddr::V4(Ipv4Addr::from(i)), t0);
        }
        assert_eq!(throttle.clients(), MAX_CLIENTS);
        // Once the minute is over, the old ones make room at once.
        throttle.failed(
            IpAddr::V4(Ipv4Addr::new(8, 8, 8, 8)),
            t0 + chrono::Duration::seconds(61),
        );
        assert_eq!(throttle.clients(), 1);
    }
}
