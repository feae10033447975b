use chrono::{TimeZone, Utc};

use super::*;

#[test]
fn defaults_then_overrides() {
    let settings = SpaceSettings::from_toml(
        r#"
        [defaults]
        probe_timeout = "5s"
        reminder_interval = "6h"
        [spaces."alice/api"]
        health_path = "/health"
        expected_status = [200, 401]
        keyword = "ok"
        auto_repair = false
        degraded_failures = 5
        [repair]
        max_per_window = 2
        window = "1h"
        poll_interval = "2s"
        [history]
        raw_days = 3
        retention_days = 30
        "#,
    )
    .unwrap();
    let api = settings.policy(&SpaceId::parse("Alice/API").unwrap());
    assert_eq!(api.probe.health_path, "/health");
    assert_eq!(api.probe.expected_status, vec![200, 401]);
    assert_eq!(api.probe.keyword.as_deref(), Some("ok"));
    assert_eq!(api.probe.timeout, Duration::from_secs(5));
    assert!(!api.auto_repair && api.keep_alive);
    assert_eq!(api.alerts.degraded_failures, 5);
    assert_eq!(
        api.alerts.reminder_interval,
        Some(Duration::from_secs(6 * 3600))
    );
    let other = settings.policy(&SpaceId::parse("bob/x").unwrap());
    assert_eq!(other.probe.health_path, "/");
    assert!(other.auto_repair);
    assert_eq!(settings.repair.limits.max_per_window, 2);
    assert_eq!(settings.repair.limits.window, Duration::from_secs(3600));
    assert_eq!(settings.repair.poll_interval, Duration::from_secs(2));
    assert_eq!(settings.history.raw, Duration::from_secs(3 * 86_400));
}

#[test]
fn errors_name_the_entry() {
    for (text, needle) in [
        ("[spaces.\"bad id\"]\nkeyword='x'", "[spaces.\"bad id\"]"),
        ("[spaces.\"a/b\"]\nhealth_path='nope'", "health_path"),
        ("[spaces.\"a/b\"]\nexpected_status=99", "expected_status 99"),
        ("[defaults]\nprobe_timeout='soon'", "probe_timeout"),
        ("[defaults]\nhelth_path='/'", "helth_path"),
        (
            "[defaults]\nfailures_before_alert=0",
            "failures_before_alert",
        ),
        ("[repair]\nmax_in_flight=0", "[repair]"),
        ("[history]\nraw_days=10\nretention_days=5", "[history]"),
        (
            "[defaults]\nmaintenance=[{start='nope', duration='1h'}]",
            "maintenance start",
        ),
    ] {
        let err = SpaceSettings::from_toml(text).unwrap_err();
        assert!(err.contains(needle), "{text}: {err}");
        assert!(!err.contains('\n'), "{err}");
    }
}

#[test]
fn maintenance_windows() {
    let settings = SpaceSettings::from_toml(
        "[spaces.\"a/b\"]\nmaintenance = [{ start = \"0 2 * * 0\", duration = \"2h\" }]\n",
    )
    .unwrap();
    let policy = settings.policy(&SpaceId::parse("a/b").unwrap());
    // 2026-11-22 is a Sunday.
    let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0).unwrap();
    assert!(!policy.in_maintenance(at(1, 59)));
    assert!(policy.in_maintenance(at(2, 0)));
    assert!(policy.in_maintenance(at(3, 59)));
    assert!(!policy.in_maintenance(at(4, 1)));
}
