//! An alert as one Discord embed in a channel's language: a title (the notice, the
//! platform incident, the count of Spaces, or the one event's headline), a line per
//! event with log lines in a code block, stage / verdict / step fields for a single
//! event, the colour of the worst event, and the Restart / Rebuild / Mute 1h / Logs
//! buttons. Outside text is escaped for Discord markdown by the chat adapter's
//! `escape`; every part stays inside Discord's limits (title 256, description 4096,
//! 6000 across the embed). Pure values, tested without Discord.

use crate::alerts::{Alert, EventKind, render};
use crate::chat::discord::render::{
    AMBER, DcButton, DcMessage, GREEN, GREY, RED, close_code, cut, description, escape, fields_len,
};
use crate::commands::{ButtonAction, ButtonStyle};
use crate::config::Locale;
use crate::domain::text::clean_line;
use crate::i18n::Lang;
use crate::t;

const MAX_TITLE: usize = 256;
/// Discord's 6000 across all embeds of a message, with a margin.
const MAX_TOTAL: usize = 5900;
/// One line of a description never gets longer than this.
const MAX_LINE: usize = 500;

/// The alert as one embed in `loc`'s language, without buttons.
pub fn alert_embed(alert: &Alert, loc: Locale) -> DcMessage {
    let title = title(alert, loc);
    let fields = fields(alert, loc.lang);
    let used = title.chars().count() + fields_len(&fields);
    DcMessage {
        title,
        description: close_code(description(
            lines(alert, loc),
            MAX_TOTAL.saturating_sub(used),
        )),
        colour: colour(alert),
        fields,
        rows: Vec::new(),
    }
}

/// A line per notice, platform incident line and event, each event's log lines in a
/// code block.
fn lines(alert: &Alert, loc: Locale) -> Vec<String> {
    let mut lines: Vec<String> = alert
        .notices
        .iter()
        .map(|n| escape(&cut(&render::notice_line_in(n, loc), MAX_LINE)))
        .collect();
    for event in &alert.platform {
        lines.extend(
            render::platform_lines_in(event, loc)
                .iter()
                .map(|l| escape(&cut(l.trim_start(), MAX_LINE))),
        );
    }
    for event in &alert.events {
        lines.push(escape(&cut(
            &render::headline_in(event, alert.at, loc),
            MAX_LINE,
        )));
        if !event.logs.is_empty() {
            lines.push("```".into());
            lines.extend(
                event
                    .logs
                    .iter()
                    .map(|l| cut(&clean_line(l).replace("```", "ˋˋˋ"), MAX_LINE)),
            );
            lines.push("```".into());
        }
    }
    lines
}

/// The first notice, else the first platform line, else the count of Spaces, else the
/// one event's headline.
fn title(alert: &Alert, loc: Locale) -> String {
    let spaces = alert.spaces();
    if let Some(notice) = alert.notices.first() {
        cut(&escape(&render::notice_line_in(notice, loc)), MAX_TITLE)
    } else if let Some(first) = alert
        .platform
        .first()
        .and_then(|p| render::platform_lines_in(p, loc).into_iter().next())
    {
        cut(&escape(&first), MAX_TITLE)
    } else if spaces.len() > 1 {
        render::spaces_changed(spaces.len(), loc.lang)
    } else {
        let first = alert
            .events
            .first()
            .map(|e| render::headline_in(e, alert.at, loc));
        cut(&escape(&first.unwrap_or_default()), MAX_TITLE)
    }
}

/// Stage, verdict and step, for an alert about one event.
fn fields(alert: &Alert, lang: Lang) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    if let [event] = alert.events.as_slice() {
        if let Some(stage) = &event.stage {
            fields.push((
                t!(lang, "alert-field-stage"),
                escape(&cut(stage.as_str(), 100)),
            ));
        }
        fields.push((
            t!(lang, "alert-field-verdict"),
            render::verdict_in(event.verdict, lang),
        ));
        if let Some(step) = event.step {
            fields.push((
                t!(lang, "alert-field-step"),
                render::step_in(Some(step), lang),
            ));
        }
    }
    fields
}

/// Red for anything down or urgent, amber while repairing, grey for wakes only, else
/// green.
fn colour(alert: &Alert) -> u32 {
    let any = |kinds: &[EventKind]| alert.events.iter().any(|e| kinds.contains(&e.kind));
    if alert.is_urgent()
        || any(&[
            EventKind::Down,
            EventKind::StillDown,
            EventKind::GaveUp,
            EventKind::WakeFailed,
            EventKind::HardwareDrift,
            EventKind::MemoryHigh,
        ])
    {
        RED
    } else if any(&[EventKind::Repairing, EventKind::RepairFailed]) {
        AMBER
    } else if alert.events.iter().all(|e| e.kind == EventKind::Woken) {
        GREY
    } else {
        GREEN
    }
}

/// The Restart / Rebuild / Mute 1h / Logs row of an alert about one Space.
pub fn alert_buttons(reference: i64, lang: Lang) -> Vec<Vec<DcButton>> {
    let button = |id: &str, action: ButtonAction, style| DcButton {
        label: t!(lang, id),
        custom_id: action.encode(),
        style,
    };
    vec![vec![
        button(
            "alert-button-restart",
            ButtonAction::Restart(reference),
            ButtonStyle::Primary,
        ),
        button(
            "alert-button-rebuild",
            ButtonAction::Rebuild(reference),
            ButtonStyle::Danger,
        ),
        button(
            "alert-button-mute",
            ButtonAction::Mute(reference),
            ButtonStyle::Secondary,
        ),
        button(
            "alert-button-logs",
            ButtonAction::Logs(reference),
            ButtonStyle::Secondary,
        ),
    ]]
}
