//! The Hub's `RateLimit` / `Retry-After` headers and `Link` pagination: never a
//! panic, a wait that can be added to a clock, and a next page always on our own
//! endpoint (a token must never follow a link elsewhere). `Retry-After` goes through
//! the one parser the webhook and Discord use too.
//!
//! Input: lines `RateLimit`, `Retry-After`, `Link` (a header value has no newline);
//! a missing or empty line is a missing header.
#![no_main]

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use chrono::{DateTime, Utc};
use spacewarden::fuzzing::{
    RETRY_AFTER_MAX, RateLimit, next_page_on, parse_retry_after, wait_after_429,
};
use url::Url;

/// Parsed once: parsing them for every input took most of the target's time.
static HUBS: LazyLock<[Url; 3]> = LazyLock::new(|| {
    [
        "https://huggingface.co",
        "http://127.0.0.1:8080/",
        "https://hub.example.org/mirror/",
    ]
    .map(|hub| Url::parse(hub).expect("a URL"))
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let mut next = || lines.next().filter(|l| !l.is_empty());
    let (ratelimit, retry_after, link) = (next(), next(), next());

    let day = Duration::from_secs(86_400);
    if let Some(limit) = ratelimit.and_then(RateLimit::parse) {
        assert!(limit.reset <= day, "{limit:?}");
    }
    // The reply's arrival, fixed so a crash replays: 2015-10-21T07:28:00Z.
    let now = DateTime::<Utc>::from_timestamp(1_445_412_480, 0).expect("a date");
    if let Some(wait) = retry_after.and_then(|value| parse_retry_after(value, now)) {
        assert!(wait <= RETRY_AFTER_MAX, "{wait:?}");
    }
    let wait = wait_after_429(ratelimit, retry_after, now);
    assert!(wait <= day, "{wait:?}");
    assert!(Instant::now().checked_add(wait).is_some());

    for hub in HUBS.iter() {
        if let Some(next) = link.and_then(|link| next_page_on(hub, link)) {
            assert_eq!(next.origin(), hub.origin(), "{next}");
            assert_eq!((next.username(), next.password()), ("", None), "{next}");
        }
    }
});
