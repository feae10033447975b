//! How `check` prints: a table for people, in the command line's language and zone
//! (`cli::lang`), and a JSON array for scripts, the same in every language. The JSON
//! field names are a public interface (DESIGN.md, `check --json`).

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::config::Locale;
use crate::domain::time::absolute_in;
use crate::domain::{Cause, Observation, ProbeOutcome, Verdict, reason_in};
use crate::i18n::Lang;
use crate::t;

/// The longest error text shown in a table cell.
const ERROR_WIDTH: usize = 80;

#[derive(Serialize)]
struct JsonRow<'a> {
    space: String,
    stage: Option<&'a str>,
    verdict: Verdict,
    hardware: Option<&'a str>,
    probe: Option<JsonProbe>,
    error: Option<&'a str>,
    /// Why it is down: `{"code", "summary", "evidence"}`, or null.
    cause: Option<&'a Cause>,
    checked_at: String,
}

#[derive(Serialize)]
struct JsonProbe {
    status: Option<u16>,
    latency_ms: Option<f64>,
    ok: bool,
}

pub fn json(observations: &[Observation]) -> String {
    let rows: Vec<JsonRow<'_>> = observations
        .iter()
        .map(|o| JsonRow {
            space: o.label(),
            stage: o.stage().map(|s| s.as_str()),
            verdict: o.verdict(),
            hardware: o.checked().and_then(|c| c.hardware.as_deref()),
            probe: probe(o).map(|p| JsonProbe {
                status: p.status,
                latency_ms: p.latency_ms.map(|ms| (ms * 10.0).round() / 10.0),
                ok: p.ok,
            }),
            error: o.error(),
            cause: o.checked().and_then(|c| c.cause.as_ref()),
            checked_at: o.at().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect();
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

/// The table for people: a row per Space, then the summary with when it was checked.
/// Stage names, hardware flavors and error texts are shown as they came.
pub fn table(observations: &[Observation], locale: Locale) -> String {
    let lang = locale.lang;
    let header = ["space", "stage", "verdict", "hardware", "probe", "error"]
        .map(|column| t!(lang, &format!("cli-col-{column}")));
    let rows: Vec<[String; 6]> = observations
        .iter()
        .map(|o| {
            [
                o.label(),
                o.stage().map_or("-".into(), |s| s.to_string()),
                verdict_word(lang, o.verdict()),
                o.checked()
                    .and_then(|c| c.hardware.clone())
                    .unwrap_or_else(|| "-".into()),
                probe_cell(lang, o),
                o.error()
                    .map_or("-".into(), |e| one_line(&reason_in(lang, e))),
            ]
        })
        .collect();
    // Columns measured in terminal cells: a Chinese character takes two.
    let mut widths = header.each_ref().map(|h| h.width());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 6]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i].saturating_sub(cell.width()) + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.each_ref().map(String::as_str));
    for row in &rows {
        line(row.each_ref().map(String::as_str));
    }
    out.push_str(&summary(observations, lang));
    if let Some(at) = observations.iter().map(Observation::at).max() {
        let at = absolute_in(at, locale.zone);
        out.push_str(&t!(lang, "cli-checked-at", at = at));
    }
    out.push('\n');
    out
}

/// A verdict for people (`broken config`, `配置错误`); a code this build has no words
/// for is shown as it is.
pub(super) fn verdict_word(lang: Lang, verdict: Verdict) -> String {
    let id = format!("verdict-{}", verdict.as_str().replace('_', "-"));
    if crate::i18n::has_message(lang, &id) {
        t!(lang, &id)
    } else {
        verdict.as_str().replace('_', " ")
    }
}

fn probe(o: &Observation) -> Option<&ProbeOutcome> {
    o.checked().and_then(|c| c.probe.as_ref())
}

fn probe_cell(lang: Lang, o: &Observation) -> String {
    match probe(o) {
        None => "-".into(),
        Some(p) => {
            let status = p
                .status
                .map_or_else(|| t!(lang, "cli-probe-no-reply"), |s| s.to_string());
            match p.latency_ms {
                Some(ms) => format!("{status} {ms:.0}ms"),
                None => status,
            }
        }
    }
}

/// Error texts can be long and multi-line (Hub messages, container output).
fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= ERROR_WIDTH {
        return flat;
    }
    let cut: String = flat.chars().take(ERROR_WIDTH - 1).collect();
    format!("{cut}…")
}

/// `3 Spaces: 1 up, 1 down, 1 unreachable`, `共 3 个 Space：1 个正常、1 个故障`.
pub(super) fn summary(observations: &[Observation], lang: Lang) -> String {
    let counts: Vec<String> = Verdict::ALL
        .iter()
        .filter_map(|v| {
            let n = observations.iter().filter(|o| o.verdict() == *v).count();
            (n > 0).then(|| {
                t!(
                    lang,
                    "cli-summary-count",
                    count = n,
                    verdict = verdict_word(lang, *v)
                )
            })
        })
        .collect();
    let separator = t!(lang, "list-separator");
    t!(
        lang,
        "cli-summary",
        total = observations.len(),
        counts = counts.join(&separator)
    )
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::{CheckFailure, SpaceCheck, SpaceId, Unchecked};

    fn failure() -> Unchecked {
        Unchecked {
            kind: CheckFailure::HubUnavailable,
            error: "HTTP 503: busy".into(),
        }
    }

    /// An owner that could not be listed, and a Space that could not be read, print
    /// as they did when both were one struct of optional fields.
    #[test]
    fn checks_that_could_not_be_made_print_as_before() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let space = SpaceId::parse("dana/a").unwrap();
        let rows = [
            SpaceCheck::unread(space, at, failure()).into(),
            Observation::unlisted("dana".into(), at, failure()),
        ];
        let one = |label: &str| {
            format!(
                r#"  {{
    "space": "{label}",
    "stage": null,
    "verdict": "unreachable",
    "hardware": null,
    "probe": null,
    "error": "HTTP 503: busy",
    "cause": null,
    "checked_at": "2026-11-22T12:00:00Z"
  }}"#
            )
        };
        assert_eq!(
            json(&rows),
            format!("[\n{},\n{}\n]", one("dana/a"), one("dana/*"))
        );
        let table = table(&rows, Locale::default());
        let cells: Vec<Vec<&str>> = table
            .lines()
            .map(|l| {
                l.split("  ")
                    .filter(|c| !c.is_empty())
                    .map(str::trim)
                    .collect()
            })
            .collect();
        assert_eq!(
            cells[1],
            ["dana/a", "-", "unreachable", "-", "-", "HTTP 503: busy"]
        );
        assert_eq!(
            cells[2],
            ["dana/*", "-", "unreachable", "-", "-", "HTTP 503: busy"]
        );
        assert_eq!(exit_status_of(&rows), 3);
    }

    fn exit_status_of(rows: &[Observation]) -> u8 {
        crate::cli::exit_status(rows)
    }
}
