//! Small pieces of the status pages: verdict badges, times, percentages, sizes, the
//! 90-day uptime bar (a cell per day on a Space's page, a few runs of colour on the
//! overview) and the sparklines. Everything outside (Space names, stages, the Hub's
//! error messages) goes through maud's `(…)` splices, which escape it.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::ui::Ui;
use crate::domain::{Verdict, reason_pieces};
use crate::store::DayUptime;
use crate::t;

/// Days in the uptime bar.
pub(super) use crate::view::BAR_DAYS;

pub(super) fn verdict_badge(ui: &Ui, verdict: Option<Verdict>) -> Markup {
    let (class, text) = match verdict {
        Some(v) => (v.as_str(), ui.verdict(v.as_str())),
        None => ("pending", ui.t("verdict-pending")),
    };
    html! { span class={ "badge v-" (class) } { (text) } }
}

/// `99.95 %`, or a dash when nothing was counted.
/// A stored reason (`app answered HTTP 503`, a Hub error message) in the reader's
/// language, the outside text in it marked as not the page's to translate.
pub(super) fn reason(ui: &Ui, stored: &str) -> Markup {
    html! { @for piece in reason_pieces(ui.lang, stored) {
        @if piece.outside { span translate="no" { (piece.text) } } @else { (piece.text) }
    } }
}

pub(super) fn pct(ratio: Option<f64>) -> String {
    match ratio {
        None => "–".to_owned(),
        Some(r) if r >= 1.0 => "100 %".to_owned(),
        Some(r) if r >= 0.999 => format!("{:.2} %", (r * 10_000.0).floor() / 100.0),
        Some(r) => format!("{:.1} %", (r * 1000.0).floor() / 10.0),
    }
}

fn uptime_class(ratio: Option<f64>) -> &'static str {
    match ratio {
        None => "",
        Some(r) if r >= 0.999 => "u5",
        Some(r) if r >= 0.99 => "u4",
        Some(r) if r >= 0.95 => "u3",
        Some(r) if r >= 0.80 => "u2",
        Some(_) => "u1",
    }
}

/// The classes of one day's cell: `gap` (grey) for a day nobody checked for more than
/// half of (the rule is in `store/gaps.rs`); else its uptime colour, topped by a grey
/// band of one to four eighths (`g1`–`g4`) when some of it went unchecked.
fn day_class(day: &DayUptime) -> String {
    if day.unknown() {
        return "gap".to_owned();
    }
    let colour = uptime_class(day.uptime);
    if day.unchecked <= 0.0 {
        return colour.to_owned();
    }
    let eighths = (day.unchecked * 8.0).ceil().clamp(1.0, 4.0) as u8;
    format!("{colour} g{eighths}").trim_start().to_owned()
}

/// The tooltip of one day's cell.
fn day_tip(ui: &Ui, day: &DayUptime) -> String {
    let (lang, date) = (ui.lang, ui.day(day.day));
    let unchecked = ui.span(day.unchecked_for);
    if day.unknown() {
        return t!(
            lang,
            "bar-day-unchecked",
            date = date,
            unchecked = unchecked
        );
    }
    let figure = day
        .uptime
        .map_or_else(|| ui.t("bar-no-data"), |r| pct(Some(r)));
    if day.unchecked > 0.0 {
        t!(
            lang,
            "bar-day-partly",
            date = date,
            figure = figure,
            unchecked = unchecked
        )
    } else {
        t!(lang, "bar-day", date = date, figure = figure)
    }
}

/// One cell per day, coloured by uptime, grey where nobody checked; hover (or tap,
/// which focuses it) shows the day and its figure. `days` is oldest first.
pub(super) fn uptime_bar(ui: &Ui, days: &[DayUptime], overall: Option<f64>) -> Markup {
    let n = days.len();
    let label = t!(ui.lang, "bar-label", days = n, figure = pct(overall));
    html! {
        div.bar role="img" aria-label=(label) {
            @for (i, day) in days.iter().enumerate() {
                @let edge = if i < n / 5 { " l" } else if i + n / 5 >= n { " r" } else { "" };
                i class={ (day_class(day)) (edge) } tabindex="-1" data-tip=(day_tip(ui, day)) {}
            }
        }
        div.bar-legend {
            span { (t!(ui.lang, "bar-days-ago", days = n)) }
            span { (pct(overall)) }
            span { (ui.t("bar-today")) }
        }
    }
}

/// The bar of a Space without history: the same days, none with data.
pub(super) fn empty_bar(now: DateTime<Utc>) -> Vec<DayUptime> {
    let today = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or(now, |midnight| midnight.and_utc());
    (0..i64::from(BAR_DAYS))
        .rev()
        .map(|back| DayUptime::empty(today - chrono::Duration::days(back)))
        .collect()
}

/// The average of the days with a figure (unknown days have none): the figure under
/// the bar.
pub(super) fn bar_average(days: &[DayUptime]) -> Option<f64> {
    let known: Vec<f64> = days.iter().filter_map(|d| d.uptime).collect();
    (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
}

/// The colour of a day in the overview's bar: its uptime class, or `gap`.
fn run_class(day: &DayUptime) -> &'static str {
    if day.unknown() {
        "gap"
    } else {
        match uptime_class(day.uptime) {
            "" => "u0",
            class => class,
        }
    }
}

/// The 90 days in a few rectangles: one per run of days of the same colour, each
/// with its dates and average as a tooltip. A Space that was fine all along is one
/// rectangle, not 90 cells: this is what keeps the overview light at 1,000 Spaces.
pub(super) fn mini_bar(ui: &Ui, days: &[DayUptime], overall: Option<f64>) -> Markup {
    let mut runs: Vec<(&'static str, usize, usize, String)> = Vec::new();
    let mut start = 0;
    for i in 1..=days.len() {
        if i < days.len() && run_class(&days[i]) == run_class(&days[start]) {
            continue;
        }
        let (class, run) = (run_class(&days[start]), &days[start..i]);
        let (first, last) = (run[0].day, run[run.len() - 1].day);
        let dates = if run.len() == 1 {
            ui.day(first)
        } else {
            format!("{} – {}", ui.day(first), ui.day(last))
        };
        let figure = match (class, bar_average(run)) {
            ("gap", _) => ui.t("bar-not-checked"),
            (_, None) => ui.t("bar-no-data"),
            (_, average) => pct(average),
        };
        runs.push((class, start, run.len(), format!("{dates}: {figure}")));
        start = i;
    }
    let n = days.len().max(1);
    html! {
        svg.mini viewBox={ "0 0 " (n) " 4" } preserveAspectRatio="none" role="img"
            aria-label=(t!(ui.lang, "bar-label", days = n, figure = pct(overall))) {
            @for (class, x, width, tip) in &runs {
                rect class=(class) x=(x) width=(width) height="4" { title { (tip) } }
            }
        }
    }
}

/// `1.4 GiB`, `512 MiB`.
pub(super) fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A transfer rate: `1.2 kB/s` (decimal units, as network rates are given).
pub(super) fn rate(bps: f64) -> String {
    match bps {
        b if b >= 1e6 => format!("{:.1} MB/s", b / 1e6),
        b if b >= 1e3 => format!("{:.1} kB/s", b / 1e3),
        b => format!("{b:.0} B/s"),
    }
}

/// A line of `values` scaled to `0..=max`, as inline SVG (no script, no image file).
pub(super) fn sparkline(values: &[f64], max: f64, label: &str) -> Markup {
    const W: f64 = 200.0;
    const H: f64 = 40.0;
    let max = if max > 0.0 { max } else { 1.0 };
    let step = if values.len() > 1 {
        W / (values.len() - 1) as f64
    } else {
        W
    };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = H - (v / max).clamp(0.0, 1.0) * (H - 2.0) - 1.0;
            format!("{:.1},{:.1}", i as f64 * step, y)
        })
        .collect();
    let line = points.join(" ");
    let last_x = (values.len().max(1) - 1) as f64 * step;
    let area = format!("0,{H} {line} {last_x:.1},{H}");
    html! {
        svg viewBox={ "0 0 " (W) " " (H) } preserveAspectRatio="none" role="img" aria-label=(label) {
            polygon.area points=(area) {}
            polyline points=(line) {}
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn percentages_never_round_up_to_perfect() {
        assert_eq!(pct(Some(1.0)), "100 %");
        assert_eq!(pct(Some(0.99999)), "99.99 %");
        assert_eq!(pct(Some(0.9949)), "99.4 %");
        assert_eq!(pct(None), "–");
    }

    #[test]
    fn times_read_naturally() {
        // `ago`'s cases moved with it to `domain::time`.
        assert_eq!(
            Ui::default().span(std::time::Duration::from_secs(3 * 3600 + 300)),
            "3 h 5 min"
        );
    }

    #[test]
    fn bar_has_a_cell_per_day() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let day = |uptime, unchecked| DayUptime {
            day: now,
            uptime,
            unchecked,
            unchecked_for: std::time::Duration::ZERO,
        };
        let days = vec![day(Some(1.0), 0.0), day(None, 0.0), day(Some(0.5), 0.0)];
        let html = uptime_bar(&Ui::default(), &days, bar_average(&days)).into_string();
        assert_eq!(html.matches("<i ").count(), 3);
        assert!(html.contains(r#"class="u5""#), "{html}");
        assert!(html.contains(r#"class="u1""#), "{html}");
        assert!(html.contains("Nov 22: no data"));
        assert_eq!(bar_average(&days), Some(0.75));
    }

    #[test]
    fn the_overview_bar_draws_runs() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let day = |back: i64, uptime| DayUptime {
            day: now - chrono::Duration::days(back),
            uptime,
            unchecked: 0.0,
            unchecked_for: std::time::Duration::ZERO,
        };
        let fine: Vec<DayUptime> = (0..90).rev().map(|b| day(b, Some(1.0))).collect();
        let html = mini_bar(&Ui::default(), &fine, bar_average(&fine)).into_string();
        assert_eq!(html.matches("<rect").count(), 1, "{html}");
        assert!(
            html.contains(r#"width="90""#) && html.contains("Aug 25 – Nov 22: 100 %"),
            "{html}"
        );
        let mut mixed = fine.clone();
        mixed[40].uptime = Some(0.5);
        mixed[41].uptime = None;
        let html = mini_bar(&Ui::default(), &mixed, bar_average(&mixed)).into_string();
        assert_eq!(html.matches("<rect").count(), 4, "{html}");
        assert!(html.contains(r#"class="u1" x="40" width="1""#), "{html}");
        assert!(html.contains("Oct 5: no data"), "{html}");
        assert_eq!(bytes(512 * 1024 * 1024), "512.0 MiB");
        assert_eq!(rate(1200.0), "1.2 kB/s");
    }

    #[test]
    fn unchecked_time_is_grey() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let hours = |h: u64| std::time::Duration::from_secs(h * 3600);
        let part = DayUptime {
            day: now,
            uptime: Some(1.0),
            unchecked: 10.0 / 24.0,
            unchecked_for: hours(10),
        };
        assert_eq!(day_class(&part), "u5 g4");
        assert_eq!(
            day_tip(&Ui::default(), &part),
            "Nov 22: 100 %; not checked for 10 h 0 min"
        );
        let mostly = DayUptime {
            uptime: None,
            unchecked: 0.75,
            unchecked_for: hours(18),
            ..part
        };
        assert_eq!(day_class(&mostly), "gap");
        assert_eq!(
            day_tip(&Ui::default(), &mostly),
            "Nov 22: not checked for 18 h 0 min"
        );
        let little = DayUptime {
            unchecked: 0.01,
            ..part
        };
        assert_eq!(day_class(&little), "u5 g1");
        assert_eq!(bar_average(&[part, mostly]), Some(1.0));
    }
}
