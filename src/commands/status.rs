//! Read commands: `/status` (counts first, problems first, paged), `/status space` (one
//! Space in detail), `/spaces` (the watch list, paged), `/history space`.

use super::{
    Block, Button, ButtonAction, ButtonStyle, CommandCore, Reply, Severity, SpaceLine, internal,
};
use crate::domain::{SpaceId, Verdict, format_duration};
use crate::store::{SpaceState, Uptime};
use crate::view::{self, Reach, absolute, ago};

/// Lines per page: well inside Telegram's 4096 characters and Discord's limits.
pub const PAGE_SIZE: usize = 25;
const DETAIL_WIDTH: usize = 80;

/// Problems first, worst first.
fn rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Down => 0,
        Verdict::BrokenConfig => 1,
        Verdict::Degraded => 2,
        Verdict::UnknownStage => 3,
        Verdict::Unreachable => 4,
        Verdict::Starting => 5,
        Verdict::Sleeping => 6,
        Verdict::Paused => 7,
        Verdict::Up => 8,
    }
}

fn short(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= DETAIL_WIDTH {
        return flat;
    }
    let cut: String = flat.chars().take(DETAIL_WIDTH - 1).collect();
    format!("{cut}…")
}

fn line(state: &SpaceState) -> SpaceLine {
    let mut detail = state
        .stage
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_else(|| "-".into());
    if let Some(error) = &state.error {
        detail.push_str(": ");
        detail.push_str(&short(error));
    }
    SpaceLine {
        space: state.space.to_string(),
        verdict: state.verdict,
        detail,
    }
}

fn pct(value: Option<f64>) -> String {
    value.map_or("–".into(), |v| format!("{:.2} %", v * 100.0))
}

fn pager(spaces: bool, page: usize, pages: usize) -> Vec<Button> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(Button::new(
            "◀ Prev",
            ButtonAction::Page {
                spaces,
                page: (page - 1) as u32,
            },
            ButtonStyle::Secondary,
        ));
    }
    if page + 1 < pages {
        row.push(Button::new(
            "Next ▶",
            ButtonAction::Page {
                spaces,
                page: (page + 1) as u32,
            },
            ButtonStyle::Secondary,
        ));
    }
    row
}

impl CommandCore {
    /// The watched Spaces' states (the read model applies the watch-list rule).
    async fn states(&self) -> Result<Vec<SpaceState>, Reply> {
        view::watched_states(&self.monitor)
            .await
            .map_err(|e| internal("cannot read the Spaces", &e))
    }

    /// `/status`: counts by verdict, then the Spaces that are not up, worst first, a
    /// page at a time; the up ones are only counted.
    pub(super) async fn overview(&self, page: usize) -> Reply {
        let mut states = match self.states().await {
            Ok(states) => states,
            Err(reply) => return reply,
        };
        if states.is_empty() {
            return Reply::new(
                Severity::Info,
                "No Space checked yet. The first check runs on the schedule (or /check).",
            );
        }
        states.sort_by(|a, b| {
            rank(a.verdict)
                .cmp(&rank(b.verdict))
                .then(a.space.cmp(&b.space))
        });
        let counts: Vec<String> = Verdict::ALL
            .iter()
            .filter_map(|v| {
                let n = states.iter().filter(|s| s.verdict == *v).count();
                (n > 0).then(|| format!("{n} {}", v.as_str().replace('_', " ")))
            })
            .collect();
        let problems: Vec<&SpaceState> =
            states.iter().filter(|s| s.verdict != Verdict::Up).collect();
        let worst = states.first().map_or(Verdict::Up, |s| s.verdict);
        let severity = if problems.is_empty() {
            Severity::Good
        } else {
            Severity::of(worst)
        };
        let title = format!("{} Spaces: {}", states.len(), counts.join(" · "));
        let mut reply = Reply::new(severity, title);
        // Found by the token self-test at startup: repairs of these owners' Spaces fail.
        let tokens = self.monitor.token_problems();
        if !tokens.is_empty() {
            reply = reply.block(Block::Fields(
                tokens
                    .into_iter()
                    .map(|t| (format!("⚠ Token for {}", t.owner), t.problem))
                    .collect(),
            ));
        }
        if problems.is_empty() {
            return reply.text("Everything is up.");
        }
        let pages = problems.len().div_ceil(PAGE_SIZE);
        let page = page.min(pages - 1);
        let shown: Vec<SpaceLine> = problems
            .iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|s| line(s))
            .collect();
        reply = reply.block(Block::Spaces(shown));
        let up = states.len() - problems.len();
        let mut footer = Vec::new();
        if pages > 1 {
            footer.push(format!("Problems page {} of {}", page + 1, pages));
        }
        if up > 0 {
            footer.push(format!("{up} more up (/spaces lists all)"));
        }
        if !footer.is_empty() {
            reply = reply.text(footer.join(" · "));
        }
        reply.buttons(pager(false, page, pages))
    }

    /// `/spaces`: every Space with its verdict, a page at a time.
    pub(super) async fn space_list(&self, page: usize) -> Reply {
        let states = match self.states().await {
            Ok(states) => states,
            Err(reply) => return reply,
        };
        let watched: Vec<String> = self
            .monitor
            .config()
            .watch
            .iter()
            .map(|t| t.to_string())
            .collect();
        let mut reply = Reply::new(
            Severity::Info,
            format!(
                "Watching {} ({} Spaces seen)",
                watched.join(", "),
                states.len()
            ),
        );
        if states.is_empty() {
            return reply;
        }
        let pages = states.len().div_ceil(PAGE_SIZE);
        let page = page.min(pages - 1);
        let shown: Vec<SpaceLine> = states
            .iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(line)
            .collect();
        reply = reply.block(Block::Spaces(shown));
        if pages > 1 {
            reply = reply.text(format!("Page {} of {}", page + 1, pages));
        }
        reply.buttons(pager(true, page, pages))
    }

    /// `/status space`: stage, hardware, last check, uptime, the open incident.
    pub(super) async fn detail(&self, id: SpaceId) -> Reply {
        let now = self.monitor.now();
        let row = match view::space_detail(&self.monitor, &id).await {
            Ok(Some(row)) => row,
            // `resolve` let only watched Spaces through.
            Ok(None) => return Reply::error(format!("I don't watch {id}. See /spaces.")),
            Err(e) => return internal(&format!("cannot read {id}"), &e),
        };
        let Some(state) = row.state else {
            return Reply::new(Severity::Info, format!("{id}: not checked yet"));
        };
        let uptime = row.uptime;
        let mut fields = vec![
            (
                "Verdict".to_owned(),
                state.verdict.as_str().replace('_', " "),
            ),
            (
                "Stage".to_owned(),
                state
                    .stage
                    .as_ref()
                    .map_or("unknown".into(), |s| s.to_string()),
            ),
            (
                "Hardware".to_owned(),
                state.hardware.clone().unwrap_or_else(|| "–".into()),
            ),
            ("Last check".to_owned(), ago(now - state.last_check)),
            ("Uptime 24 h / 7 d / 30 d".to_owned(), uptime_line(&uptime)),
        ];
        if let Some(until) = state.muted_until.filter(|u| *u > now) {
            fields.push(("Muted until".into(), absolute(until)));
        }
        if let Some(cause) = &state.cause {
            fields.push((
                "Cause".into(),
                format!("{}: {}", cause.code, short(&cause.summary)),
            ));
        }
        if let Some(incident) = &row.incident {
            let cause = incident
                .root_cause()
                .map(|c| c.code.to_string())
                .or_else(|| incident.cause.as_deref().map(short))
                .unwrap_or_else(|| incident.verdict.clone());
            fields.push((
                "Open incident".into(),
                format!(
                    "since {} ({}): {cause}",
                    absolute(incident.opened()),
                    ago(now - incident.opened())
                ),
            ));
        }
        let mut reply =
            Reply::new(Severity::of(state.verdict), id.to_string()).block(Block::Fields(fields));
        let evidence = state
            .cause
            .as_ref()
            .map(|c| &c.evidence)
            .filter(|e| !e.is_empty());
        match (evidence, &state.error) {
            // The line that says why, rather than the whole errorMessage.
            (Some(evidence), _) => reply = reply.block(Block::Code(vec![short(evidence)])),
            (None, Some(error)) => reply = reply.block(Block::Code(vec![short(error)])),
            (None, None) => {}
        }
        reply
    }

    /// `/history space`: the last incidents and actions.
    pub(super) async fn history(&self, id: SpaceId) -> Reply {
        let now = self.monitor.now();
        let reach = Reach::Latest {
            incidents: 5,
            actions: 10,
            checks: 0,
        };
        let (incidents, actions) = match view::history(&self.monitor, &id, reach).await {
            Ok(history) => (history.incidents, history.actions),
            Err(e) => return internal(&format!("cannot read the history of {id}"), &e),
        };
        let mut reply = Reply::new(Severity::Info, format!("History of {id}"));
        if incidents.is_empty() && actions.is_empty() {
            return reply.text("No incidents and no actions recorded.");
        }
        let incident_lines: Vec<String> = incidents
            .iter()
            .map(|i| {
                let lasted = format_duration(i.duration(now));
                let state = match &i.resolution {
                    Some(r) => format!("lasted {lasted}, {r}"),
                    None => format!("open for {lasted}"),
                };
                format!(
                    "{} {}: {} ({state})",
                    i.opened().format("%m-%d %H:%M"),
                    i.verdict,
                    short(i.cause.as_deref().unwrap_or("-"))
                )
            })
            .collect();
        let action_lines: Vec<String> = actions
            .iter()
            .map(|a| {
                format!(
                    "{} {} by {}: {}",
                    a.started().format("%m-%d %H:%M"),
                    a.kind,
                    a.actor,
                    a.result.as_deref().unwrap_or("in progress")
                )
            })
            .collect();
        if !incident_lines.is_empty() {
            reply = reply.text("Incidents").block(Block::Code(incident_lines));
        }
        if !action_lines.is_empty() {
            reply = reply.text("Actions").block(Block::Code(action_lines));
        }
        reply
    }
}

fn uptime_line(uptime: &Uptime) -> String {
    format!(
        "{} / {} / {}",
        pct(uptime.h24),
        pct(uptime.d7),
        pct(uptime.d30)
    )
}
