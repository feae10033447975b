//! The parity test's rows: one value for every column of every table, the "every
//! column set" row. The "nullable columns null" row is derived from it and the live
//! schema. A migration that adds a table or a column fails `parity` until its value is
//! here. Values are chosen to catch narrowing: times past 2^31, a float that a 4-byte
//! `real` would round, text with quotes and non-ASCII letters.

use super::parity::V::{self, I, R, T};

/// An instant in milliseconds (2026-11-18), far past what an `i32` holds.
const MS: i64 = 1_795_000_000_123;
/// Text a careless quoting or encoding would mangle.
const HOSTILE: &str = "it's \"quoted\" — café ✓";

pub(super) type Row = (&'static str, &'static [(&'static str, V)]);

/// Every table, with every column the store may write.
pub(super) const ROWS: &[Row] = &[
    (
        "spaces",
        &[
            ("space_id", T("alice/app")),
            ("owner", T("alice")),
            ("first_seen_ms", I(MS)),
            ("last_check_ms", I(MS + 1)),
            ("stage", T("RUNNING")),
            ("stage_since_ms", I(MS + 2)),
            ("verdict", T("up")),
            ("verdict_since_ms", I(MS + 3)),
            ("hardware", T("cpu-basic")),
            ("subdomain", T("alice-app")),
            ("gc_timeout_s", I(172_800)),
            ("private", I(1)),
            ("error", T(HOSTILE)),
            ("bad_streak", I(4)),
            ("good_streak", I(5)),
            ("bad_since_ms", I(MS + 4)),
            ("alerted", T("down")),
            ("announced", I(1)),
            ("last_alert_ms", I(MS + 5)),
            ("gave_up", I(1)),
            ("muted_until_ms", I(MS + 6)),
            ("last_visit_ms", I(MS + 7)),
            ("incident_id", I(3_000_000_000)),
            ("cause_code", T("oom")),
            ("cause_summary", T(HOSTILE)),
            ("cause_evidence", T("Killed\nexit 137")),
            ("sha", T("0123456789abcdef0123456789abcdef01234567")),
            ("sha_at_ms", I(MS + 8)),
            ("good_sha", T("89abcdef0123456789abcdef0123456789abcdef")),
            ("requested_hardware", T("t4-small")),
            ("drift_since_ms", I(MS + 9)),
            ("drift_alerted", I(1)),
            ("display_id", T("Alice/App")),
        ],
    ),
    (
        "checks",
        &[
            ("space_id", T("alice/app")),
            ("at_ms", I(MS)),
            ("stage", T("RUNNING")),
            ("verdict", T("degraded")),
            ("hardware", T("cpu-basic")),
            ("probe_status", I(503)),
            ("probe_latency_ms", R(123.456_789_012_345)),
            ("probe_ok", I(0)),
            ("error", T(HOSTILE)),
        ],
    ),
    (
        "incidents",
        &[
            ("id", I(3_000_000_001)),
            ("space_id", T("alice/app")),
            ("opened_ms", I(MS)),
            ("closed_ms", I(MS + 60_000)),
            ("verdict", T("down")),
            ("stage", T("RUNTIME_ERROR")),
            ("cause", T(HOSTILE)),
            ("resolution", T("recovered")),
            ("cause_code", T("oom")),
            ("cause_summary", T("out of memory")),
            ("cause_evidence", T("Killed")),
        ],
    ),
    (
        "actions",
        &[
            ("id", I(3_000_000_002)),
            ("space_id", T("alice/app")),
            ("kind", T("restart")),
            ("trigger", T("auto")),
            ("actor", T("spacewarden")),
            ("state", T("done")),
            ("result", T("recovered")),
            ("detail", T(HOSTILE)),
            ("started_ms", I(MS)),
            ("finished_ms", I(MS + 1)),
            ("incident_id", I(3_000_000_001)),
        ],
    ),
    (
        "outbox",
        &[
            ("id", I(3_000_000_003)),
            ("destination", T("telegram:-1001234567890")),
            ("payload", T("{\"text\":\"it's down — café\"}")),
            ("created_ms", I(MS)),
            ("state", T("sent")),
            ("attempts", I(7)),
            ("next_attempt_ms", I(MS + 1)),
            ("last_error", T(HOSTILE)),
            ("sent_ms", I(MS + 2)),
        ],
    ),
    ("rollup_hourly", ROLLUP),
    ("rollup_daily", ROLLUP),
    (
        "audit",
        &[
            ("id", I(3_000_000_004)),
            ("at_ms", I(MS)),
            ("platform", T("telegram")),
            ("user_id", T("123456789")),
            ("chat_id", T("-1001234567890")),
            ("command", T("/restart alice/app")),
            ("allowed", I(1)),
            ("outcome", T(HOSTILE)),
        ],
    ),
    (
        "confirmations",
        &[
            ("token", T("tok-1")),
            ("kind", T("factory")),
            ("space_id", T("alice/app")),
            ("platform", T("discord")),
            ("user_id", T("42")),
            ("created_ms", I(MS)),
            ("expires_ms", I(MS + 60_000)),
            ("used_ms", I(MS + 1)),
        ],
    ),
    (
        "destinations",
        &[
            ("destination", T("telegram:-100")),
            ("state", T("moved")),
            ("moved_to", T("telegram:-1001234567890")),
            ("reason", T(HOSTILE)),
            ("updated_ms", I(MS)),
        ],
    ),
    (
        "cycle_watch",
        &[("id", I(1)), ("last_ms", I(MS)), ("deadline_ms", I(MS + 1))],
    ),
    (
        "coverage_gaps",
        &[
            ("id", I(3_000_000_005)),
            ("start_ms", I(MS)),
            ("end_ms", I(MS + 1)),
        ],
    ),
    (
        "platform_incidents",
        &[
            ("id", I(3_000_000_006)),
            ("reason", T(HOSTILE)),
            ("opened_ms", I(MS)),
            ("closed_ms", I(MS + 1)),
            ("spaces", T("alice/app,bob/x")),
        ],
    ),
    (
        "usage_hourly",
        &[
            ("space_id", T("alice/app")),
            ("bucket_ms", I(MS - MS % 3_600_000)),
            ("hardware", T("t4-small")),
            ("billed_ms", I(3_600_000)),
        ],
    ),
    ("meta", &[("key", T("usage_start")), ("value", T(HOSTILE))]),
    (
        "sessions",
        &[
            ("id_hash", T("ab12")),
            ("username", T("admin")),
            ("csrf", T("c5rf")),
            ("created_ms", I(MS)),
            ("seen_ms", I(MS + 1)),
            ("flash", T(HOSTILE)),
            ("flash_kind", T("good")),
            ("credential", T("9f86d081884c7d65")),
            ("hf_user_id", T("663a1f0e8d2c")),
            ("role", T("viewer")),
            ("expires_ms", I(MS + 28_800_000)),
        ],
    ),
    (
        "leader",
        &[
            ("id", I(1)),
            ("epoch", I(3_000_000_007)),
            ("holder", T("host:4242")),
            ("since_ms", I(MS)),
            ("heartbeat_ms", I(MS + 1)),
        ],
    ),
    (
        "requests",
        &[
            ("id", I(3_000_000_008)),
            ("actor", T("{\"platform\":\"web\",\"user\":\"café\"}")),
            ("command", T("{\"restart\":\"alice/app\"}")),
            ("state", T("done")),
            ("epoch", I(3_000_000_007)),
            ("response", T(HOSTILE)),
            ("created_ms", I(MS)),
            ("finished_ms", I(MS + 1)),
        ],
    ),
    (
        "chat_lang",
        &[
            ("platform", T("telegram")),
            ("chat_id", I(-1_001_234_567_890)),
            ("lang", T("zh-CN")),
            ("set_by", T("1111")),
            ("set_ms", I(MS)),
        ],
    ),
];

const ROLLUP: &[(&str, V)] = &[
    ("space_id", T("alice/app")),
    ("bucket_ms", I(MS - MS % 3_600_000)),
    ("up", I(11)),
    ("counted", I(12)),
    ("total", I(13)),
    ("latency_sum", R(98_765.432_101_234_5)),
    ("latency_n", I(12)),
];

/// Tables only one backend has: the replicas' leader row lives on Postgres alone.
pub(super) const POSTGRES_ONLY_TABLES: &[&str] = &["leader"];

/// Columns the store never writes, with the one backend that has them: Postgres'
/// `spaces.row_ref` is generated (SQLite's `rowid` plays its part).
pub(super) const GENERATED_POSTGRES_COLUMNS: &[(&str, &str)] = &[("spaces", "row_ref")];
