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
fn values_out_of_range_name_their_key() {
    // Each of these once reached date arithmetic and panicked a check cycle, or is
    // far beyond any sensible setting.
    for (text, needle) in [
        (
            "[repair]\nwindow = \"100000000d\"",
            "[repair] window \"100000000d\" is out of range",
        ),
        (
            "[history]\nretention_days = 100000000",
            "[history] retention_days 100000000 is out of range",
        ),
        ("[history]\nraw_days = 91", "[history] raw_days 91"),
        (
            "[repair]\nmax_in_flight = 1000",
            "[repair] max_in_flight 1000",
        ),
        (
            "[repair]\nmax_per_window = 101",
            "[repair] max_per_window 101",
        ),
        ("[repair]\ntimeout = \"2d\"", "[repair] timeout"),
        ("[repair]\npoll_interval = \"1h\"", "[repair] poll_interval"),
        ("[repair]\nstart_grace = \"9999d\"", "[repair] start_grace"),
        (
            "[defaults]\nreminder_interval = \"400d\"",
            "[defaults] reminder_interval",
        ),
        (
            "[defaults]\nprobe_timeout = \"1h\"",
            "[defaults] probe_timeout",
        ),
        (
            "[defaults]\nfailures_before_alert = 5000",
            "[defaults] failures_before_alert 5000",
        ),
        (
            "[spaces.\"a/b\"]\nmaintenance=[{start='0 2 * * *', duration='99999d'}]",
            "[spaces.\"a/b\"] maintenance duration",
        ),
    ] {
        let err = SpaceSettings::from_toml(text).unwrap_err();
        assert!(err.contains(needle), "{text}: {err}");
    }
    // The limits themselves are accepted.
    SpaceSettings::from_toml(
        "[repair]\nwindow = \"30d\"\nmax_in_flight = 64\n[history]\nraw_days = 90\nretention_days = 3650",
    )
    .unwrap();
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
