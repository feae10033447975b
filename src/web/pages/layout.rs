//! The frame around every page: head (our own stylesheet and scripts only), header
//! with sign-in or the signed-in user and the theme toggle, the flash message, footer.
//! `Viewer::Static` is the same frame for a copy on disk (`spacewarden report`): the
//! stylesheet inline, no scripts, no sign-in, no live figures.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::store::Flash;
use crate::web::auth::Session;

/// Who is looking, which decides what the page offers.
#[derive(Debug, Clone)]
pub(crate) enum Viewer {
    /// A copy on disk: read-only, self-contained.
    Static,
    /// Someone not signed in; `sign_in` says whether the page offers it.
    Visitor {
        sign_in: bool,
    },
    SignedIn(Session),
}

impl Viewer {
    /// Live figures are for pages served by the daemon.
    pub(crate) fn live(&self) -> bool {
        !matches!(self, Viewer::Static)
    }

    /// Links to other pages work only when served.
    pub(crate) fn served(&self) -> bool {
        !matches!(self, Viewer::Static)
    }
}

/// One page's frame.
pub(crate) struct Frame<'a> {
    pub title: &'a str,
    pub now: DateTime<Utc>,
    pub viewer: &'a Viewer,
    pub flash: Option<&'a Flash>,
    /// Reload after this many seconds (an action is running; no script needed).
    pub refresh: Option<u32>,
}

impl<'a> Frame<'a> {
    pub(crate) fn new(title: &'a str, now: DateTime<Utc>, viewer: &'a Viewer) -> Frame<'a> {
        Frame {
            title,
            now,
            viewer,
            flash: None,
            refresh: None,
        }
    }
}

/// The stylesheet, inlined into a static copy.
const STYLE: &str = include_str!("../assets/style.css");

fn account(viewer: &Viewer) -> Markup {
    html! {
        @match viewer {
            Viewer::SignedIn(session) => {
                form.account method="post" action="/logout" {
                    span.who { "Signed in as " strong { (session.username) } }
                    input type="hidden" name="csrf" value=(session.csrf);
                    button.link type="submit" { "Sign out" }
                }
            }
            Viewer::Visitor { sign_in: true } => { a.account href="/login" { "Sign in" } }
            _ => {}
        }
    }
}

pub(crate) fn page(frame: Frame<'_>, body: Markup) -> Markup {
    let served = frame.viewer.served();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="robots" content="noindex";
                @if let Some(seconds) = frame.refresh {
                    meta http-equiv="refresh" content=(seconds);
                }
                title { (frame.title) " · spacewarden" }
                // An empty icon: browsers stop asking for /favicon.ico.
                link rel="icon" href="data:,";
                @if served {
                    link rel="stylesheet" href="/assets/style.css";
                    script src="/assets/theme.js" {}
                    script src="/assets/live.js" defer {}
                } @else {
                    style { (PreEscaped(STYLE)) }
                }
            }
            body {
                header.top {
                    @if served { a.brand href="/" { "spacewarden" } } @else { span.brand { "spacewarden" } }
                    div.top-right {
                        (account(frame.viewer))
                        @if served {
                            button #theme-toggle type="button" aria-label="Theme: system (click to change)" {
                                "Theme: system"
                            }
                        }
                    }
                }
                main {
                    @if let Some(flash) = frame.flash {
                        div class={ "flash flash-" (flash.kind) } role="status" { (flash.text) }
                    }
                    (body)
                }
                footer {
                    "spacewarden " (env!("CARGO_PKG_VERSION")) " · "
                    @match frame.viewer {
                        Viewer::Static => "static copy",
                        Viewer::SignedIn(_) => "signed in",
                        Viewer::Visitor { .. } => "read-only status page",
                    }
                    " · rendered "
                    time datetime=(frame.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
                        (frame.now.format("%Y-%m-%d %H:%M UTC"))
                    }
                }
            }
        }
    }
}
