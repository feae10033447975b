//! The sign-in form (`GET /login`, and again with a message after a wrong password
//! or too many of them). Plain HTML: it works without script.

use chrono::{DateTime, Utc};
use maud::html;

use super::layout::{Frame, Viewer, page};
use super::site::Site;

/// The page; `next` is where a successful sign-in goes (already checked to be a path
/// on this site), `username` refills the field after a failure.
pub(crate) fn login_page(
    now: DateTime<Utc>,
    next: &str,
    username: &str,
    message: Option<&str>,
) -> String {
    let viewer = Viewer::Visitor { sign_in: false };
    let body = html! {
        div.card.login {
            h1 { "Sign in" }
            p.summary { "Signed in, you can restart, rebuild, pause, wake and mute Spaces from their pages." }
            @if let Some(message) = message {
                p.flash.flash-bad role="alert" { (message) }
            }
            form method="post" action="/login" {
                label { "User name"
                    input type="text" name="username" value=(username) autocomplete="username"
                        autocapitalize="none" spellcheck="false" required autofocus[username.is_empty()];
                }
                label { "Password"
                    input type="password" name="password" autocomplete="current-password" required
                        autofocus[!username.is_empty()];
                }
                @if next != "/" { input type="hidden" name="next" value=(next); }
                button.btn type="submit" { "Sign in" }
            }
        }
    };
    page(Frame::new(Site::Live, "Sign in", now, &viewer), body).into_string()
}
