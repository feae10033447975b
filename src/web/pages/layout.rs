//! The frame around every page: head (our own stylesheet and scripts only), header
//! with sign-in or the signed-in user and the theme toggle, the flash message, footer.
//! On a static site (`spacewarden report`, see `site`) the same frame carries no
//! scripts, no sign-in and no live figures.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::site::Site;
use crate::store::Flash;
use crate::view::absolute;
use crate::web::auth::Session;

/// Who is looking, which decides what a live page offers.
#[derive(Debug, Clone)]
pub(crate) enum Viewer {
    /// Someone not signed in; `sign_in` says whether the page offers it.
    Visitor {
        sign_in: bool,
    },
    SignedIn(Session),
}

/// One page's frame.
pub(crate) struct Frame<'a> {
    pub site: Site,
    pub title: &'a str,
    pub now: DateTime<Utc>,
    pub viewer: &'a Viewer,
    pub flash: Option<&'a Flash>,
    /// Reload after this many seconds (an action is running; no script needed).
    pub refresh: Option<u32>,
}

impl<'a> Frame<'a> {
    pub(crate) fn new(
        site: Site,
        title: &'a str,
        now: DateTime<Utc>,
        viewer: &'a Viewer,
    ) -> Frame<'a> {
        Frame {
            site,
            title,
            now,
            viewer,
            flash: None,
            refresh: None,
        }
    }
}

fn account(viewer: &Viewer) -> Markup {
    html! {
        @match viewer {
            Viewer::SignedIn(session) => {
                form.account method="post" action="/logout" {
                    @let (name, role) = session.display();
                    span.who { "Signed in as " strong { (name) } " (" (role) ")" }
                    input type="hidden" name="csrf" value=(session.csrf);
                    button.link type="submit" { "Sign out" }
                }
            }
            Viewer::Visitor { sign_in: true } => { a.account href="/login" { "Sign in" } }
            Viewer::Visitor { sign_in: false } => {}
        }
    }
}

pub(crate) fn page(frame: Frame<'_>, body: Markup) -> Markup {
    let live = frame.site.is_live();
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
                (frame.site.head())
                @if live { script src="/assets/live.js" defer {} }
            }
            body {
                header.top {
                    a.brand href=(frame.site.home()) { "spacewarden" }
                    div.top-right {
                        @if live { (account(frame.viewer)) }
                        @if live {
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
                    @match (live, frame.viewer) {
                        (false, _) => "static report",
                        (true, Viewer::SignedIn(_)) => "signed in",
                        (true, Viewer::Visitor { .. }) => "read-only status page",
                    }
                    " · rendered "
                    time datetime=(frame.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
                        (absolute(frame.now))
                    }
                }
            }
        }
    }
}
