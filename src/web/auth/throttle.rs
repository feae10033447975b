//! The login throttle: at most `LIMIT` sign-in attempts per client in `WINDOW` that did
//! not succeed; the next attempt gets 429 with `Retry-After` before any password is
//! checked. An attempt is reserved before its verification starts and counts from
//! then on (unless it is handed back unverified, or succeeds): checking before and
//! recording after let 44 of 50 parallel guesses through (issue 19, defect 4). The map
//! is bounded (`MAX_CLIENTS`): when full, clients whose attempts have aged out go
//! first, then the one that tried longest ago, so a flood of addresses costs memory
//! once.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::time;

/// Sign-in attempts (not yet succeeded) a client may make in `WINDOW`.
pub(super) const LIMIT: usize = 5;
pub(super) const WINDOW: Duration = Duration::from_secs(60);
/// Clients remembered at most.
const MAX_CLIENTS: usize = 10_000;

#[derive(Debug, Default)]
pub(super) struct Throttle {
    attempts: Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
}

impl Throttle {
    /// Reserves an attempt for `client` at `now`; `Err(wait)` when it has used up its
    /// attempts: how long until one ages out. A reservation stands as a failure
    /// unless `succeeded` or `release` takes it back.
    pub(super) fn reserve(&self, client: IpAddr, now: DateTime<Utc>) -> Result<(), Duration> {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if attempts.len() >= MAX_CLIENTS && !attempts.contains_key(&client) {
            make_room(&mut attempts, now);
        }
        let times = attempts.entry(client).or_default();
        forget_old(times, now);
        if times.len() >= LIMIT {
            let oldest = times.front().copied().unwrap_or(now);
            let frees = time::after(oldest, WINDOW);
            return Err(time::elapsed(now, frees).max(Duration::from_secs(1)));
        }
        times.push_back(now);
        Ok(())
    }

    /// Hands back a reservation made at `at` that was never verified (the server was
    /// busy): it does not count against the client.
    pub(super) fn release(&self, client: IpAddr, at: DateTime<Utc>) {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(times) = attempts.get_mut(&client) {
            if let Some(i) = times.iter().rposition(|t| *t == at) {
                times.remove(i);
            }
            if times.is_empty() {
                attempts.remove(&client);
            }
        }
    }

    /// The right password: the client starts afresh.
    pub(super) fn succeeded(&self, client: IpAddr) {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        attempts.remove(&client);
    }

    #[cfg(test)]
    fn clients(&self) -> usize {
        self.attempts.lock().unwrap().len()
    }
}

/// Forgets clients whose attempts aged out; if none did, the one that tried longest ago.
fn make_room(attempts: &mut HashMap<IpAddr, VecDeque<DateTime<Utc>>>, now: DateTime<Utc>) {
    attempts.retain(|_, times| {
        forget_old(times, now);
        !times.is_empty()
    });
    if attempts.len() >= MAX_CLIENTS {
        let stalest = attempts
            .iter()
            .min_by_key(|(_, times)| times.back().copied())
            .map(|(ip, _)| *ip);
        if let Some(ip) = stalest {
            attempts.remove(&ip);
        }
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
    fn five_attempts_a_minute_then_wait() {
        let throttle = Throttle::default();
        let client = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        for i in 0..LIMIT as i64 {
            assert_eq!(
                throttle.reserve(client, t0 + chrono::Duration::seconds(i)),
                Ok(())
            );
        }
        let now = t0 + chrono::Duration::seconds(10);
        assert_eq!(throttle.reserve(client, now), Err(Duration::from_secs(50)));
        assert_eq!(
            throttle.reserve(client, now),
            Err(Duration::from_secs(50)),
            "a refusal reserves nothing"
        );
        let other = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
        assert_eq!(throttle.reserve(other, now), Ok(()), "per client");
        let later = t0 + chrono::Duration::seconds(60);
        assert_eq!(
            throttle.reserve(client, later),
            Ok(()),
            "the first aged out"
        );
        assert!(throttle.reserve(client, later).is_err());
        throttle.succeeded(client);
        assert_eq!(throttle.reserve(client, now), Ok(()));
    }

    #[test]
    fn a_released_reservation_does_not_count() {
        let throttle = Throttle::default();
        let client = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        for _ in 0..20 {
            throttle.reserve(client, t0).unwrap();
            throttle.release(client, t0);
        }
        assert_eq!(throttle.clients(), 0, "nothing left behind");
        for _ in 0..LIMIT {
            throttle.reserve(client, t0).unwrap();
        }
        assert!(throttle.reserve(client, t0).is_err());
    }

    #[test]
    fn the_map_stays_bounded() {
        let throttle = Throttle::default();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        for i in 0..(MAX_CLIENTS as u32 + 50) {
            throttle.reserve(IpAddr::V4(Ipv4Addr::from(i)), t0).unwrap();
        }
        assert_eq!(throttle.clients(), MAX_CLIENTS);
        // Once the minute is over, the old ones make room at once.
        throttle
            .reserve(
                IpAddr::V4(Ipv4Addr::new(8, 8, 8, 8)),
                t0 + chrono::Duration::seconds(61),
            )
            .unwrap();
        assert_eq!(throttle.clients(), 1);
    }
}
