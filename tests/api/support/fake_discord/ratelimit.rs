//! Discord's per-route rate limits as the client sees them: `X-RateLimit-*`
//! headers on every answer, per-bucket counters keyed by the route and its
//! top-level resource (channel, guild, webhook or interaction), injected 429s
//! and, when a test turns it on, real enforcement of the bucket limit.
//!
//! Discord does not publish its limits, so the numbers are choices: every
//! bucket allows 5 requests per 5 s window (the long-standing limit for
//! sending messages); enforcement is off unless a test asks for it, since
//! a burst that real Discord would spread out is normal in a fast test.

use std::collections::HashMap;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use tokio::time::Instant;

/// A response header as the handlers attach it.
pub(super) type Header = (&'static str, String);

struct Injection {
    route_contains: String,
    left: u32,
    retry_after: f64,
    global: bool,
}

struct Bucket {
    window_start: Instant,
    used: u32,
}

pub(super) struct RateLimits {
    injections: Vec<Injection>,
    buckets: HashMap<String, Bucket>,
    pub enforce: bool,
    pub limit: u32,
    pub window: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            injections: Vec::new(),
            buckets: HashMap::new(),
            enforce: false,
            limit: 5,
            window: Duration::from_secs(5),
        }
    }
}

/// A 429 ready to send.
pub(super) struct Limited {
    pub status: StatusCode,
    pub headers: Vec<Header>,
    pub body: serde_json::Value,
}

impl RateLimits {
    pub fn inject(&mut self, route_contains: &str, n: u32, retry_after: f64, global: bool) {
        self.injections.push(Injection {
            route_contains: route_contains.to_string(),
            left: n,
            retry_after,
            global,
        });
    }

    /// Counts the request against its bucket; `Err` when it must get a 429.
    pub fn check(
        &mut self,
        method: &str,
        path: &str,
        now: Instant,
    ) -> Result<Vec<Header>, Limited> {
        let (route, major) = bucket_route(method, path);
        let bucket_id = bucket_hash(&route);
        if let Some(inj) = self
            .injections
            .iter_mut()
            .find(|i| i.left > 0 && path.contains(&i.route_contains))
        {
            inj.left -= 1;
            let (retry_after, global) = (inj.retry_after, inj.global);
            self.injections.retain(|i| i.left > 0);
            return Err(limited(&bucket_id, self.limit, retry_after, global));
        }
        let bucket = self
            .buckets
            .entry(format!("{bucket_id}:{major}"))
            .or_insert(Bucket {
                window_start: now,
                used: 0,
            });
        if now.duration_since(bucket.window_start) >= self.window {
            bucket.window_start = now;
            bucket.used = 0;
        }
        let reset_after = self
            .window
            .saturating_sub(now.duration_since(bucket.window_start))
            .as_secs_f64();
        if self.enforce && bucket.used >= self.limit {
            return Err(limited(&bucket_id, self.limit, reset_after, false));
        }
        bucket.used += 1;
        let remaining = self.limit.saturating_sub(bucket.used);
        Ok(route_headers(
            &bucket_id,
            self.limit,
            remaining,
            reset_after,
        ))
    }
}

fn route_headers(bucket: &str, limit: u32, remaining: u32, reset_after: f64) -> Vec<Header> {
    let reset = chrono::Utc::now().timestamp_millis() as f64 / 1000.0 + reset_after;
    vec![
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", format!("{reset:.3}")),
        ("x-ratelimit-reset-after", format!("{reset_after:.3}")),
        ("x-ratelimit-bucket", bucket.to_string()),
    ]
}

/// The 429 of Discord's docs: JSON body without `code`, `Retry-After` in
/// whole seconds (rounded up), the bucket headers for a per-route limit and
/// only `X-RateLimit-Global` + scope for the global one.
fn limited(bucket: &str, limit: u32, retry_after: f64, global: bool) -> Limited {
    let retry_after = (retry_after * 1000.0).round() / 1000.0;
    let mut headers = vec![("retry-after", (retry_after.ceil() as u64).to_string())];
    if global {
        headers.push(("x-ratelimit-global", "true".to_string()));
        headers.push(("x-ratelimit-scope", "global".to_string()));
    } else {
        headers.extend(route_headers(bucket, limit, 0, retry_after));
        headers.push(("x-ratelimit-scope", "user".to_string()));
    }
    Limited {
        status: StatusCode::TOO_MANY_REQUESTS,
        headers,
        body: json!({
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": global,
        }),
    }
}

/// The route with ids replaced by placeholders, and its top-level resource
/// (Discord's "major parameter"): channel, guild, webhook id + token, or
/// interaction id.
fn bucket_route(method: &str, path: &str) -> (String, String) {
    let segs: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let major = match segs.as_slice() {
        ["channels" | "guilds" | "interactions", id, ..] => id.to_string(),
        ["webhooks", id, token, ..] => format!("{id}/{token}"),
        ["applications", _, "guilds", guild, ..] => guild.to_string(),
        _ => String::new(),
    };
    let route: Vec<&str> = segs
        .iter()
        .map(|s| {
            if s.chars().all(|c| c.is_ascii_digit()) || s.len() > 40 {
                "{id}"
            } else {
                s
            }
        })
        .collect();
    (format!("{method} {}", route.join("/")), major)
}

/// A stable 32-hex-digit bucket id (Discord's look like `80c17d2f...`).
fn bucket_hash(route: &str) -> String {
    // FNV-1a, twice with different offsets, for 128 bits of spread.
    let fnv = |offset: u64| {
        route.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x8422_2325_cbf2_9ce4)
    )
}
