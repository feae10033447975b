//! The frame around every page: head (our own stylesheet and theme script only),
//! header with the theme toggle, footer.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::site::Site;

pub(super) fn page(site: Site, title: &str, now: DateTime<Utc>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="robots" content="noindex";
                title { (title) " · spacewarden" }
                // An empty icon: browsers stop asking for /favicon.ico.
                link rel="icon" href="data:,";
                (site.head())
            }
            body {
                header.top {
                    a.brand href=(site.home()) { "spacewarden" }
                    @if site.is_live() {
                        button #theme-toggle type="button" aria-label="Theme: system (click to change)" {
                            "Theme: system"
                        }
                    }
                }
                main { (body) }
                footer {
                    "spacewarden " (env!("CARGO_PKG_VERSION")) " · read-only status page · rendered "
                    time datetime=(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
                        (now.format("%Y-%m-%d %H:%M UTC"))
                    }
                }
            }
        }
    }
}
