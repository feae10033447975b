//! The sign-in form (`GET /login`, and again with a message after a wrong password
//! or too many of them). Plain HTML: it works without script.
//!
//! On a Space, Hugging Face shows the page inside an iframe on huggingface.co, where
//! the browser never sends the `SameSite=Strict` session cookie: signing in there
//! seems to work and then forgets the user at once. The form therefore carries a link
//! that opens the page at `https://$SPACE_HOST` in a tab of its own. It is always shown
//! on a Space: telling whether the page is framed takes script, and the form must work
//! without; outside a frame the link merely opens the same form in another tab.

use chrono::{DateTime, Utc};
use maud::html;

use super::layout::{Frame, Viewer, page};
use super::site::Site;
use super::ui::Ui;

/// What the form shows besides its fields.
pub(crate) struct LoginForm<'a> {
    /// Where a successful sign-in goes (already checked to be a path on this site).
    pub next: &'a str,
    /// Refills the field after a failure.
    pub username: &'a str,
    pub message: Option<&'a str>,
    /// On a Space: its own host, where the page opens outside the frame.
    pub space_host: Option<&'a str>,
    /// Offers the password form (`WEB_USERNAME`).
    pub password: bool,
    /// Offers "Sign in with Hugging Face" (`OAUTH_CLIENT_ID`).
    pub huggingface: bool,
    /// The reader's language and zone.
    pub ui: &'a Ui,
}

/// The page.
pub(crate) fn login_page(now: DateTime<Utc>, form: &LoginForm<'_>) -> String {
    let viewer = Viewer::Visitor { sign_in: false };
    let (next, username, ui) = (form.next, form.username, form.ui);
    let title = ui.t("header-sign-in");
    let body = html! {
        div.card.login {
            h1 { (title) }
            p.summary { (ui.t("login-intro")) }
            @if let Some(message) = form.message {
                p.flash.flash-bad role="alert" { (message) }
            }
            @if form.huggingface {
                p { a.btn href={ "/login/huggingface?next=" (url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()) } { (ui.t("login-huggingface")) } }
            }
            @if form.password { form method="post" action="/login" {
                label { (ui.t("login-user-name"))
                    input type="text" name="username" value=(username) autocomplete="username"
                        autocapitalize="none" spellcheck="false" required autofocus[username.is_empty()];
                }
                label { (ui.t("login-password"))
                    input type="password" name="password" autocomplete="current-password" required
                        autofocus[!username.is_empty()];
                }
                @if next != "/" { input type="hidden" name="next" value=(next); }
                button.btn type="submit" { (title) }
            } }
            @if let Some(host) = form.space_host {
                p.summary.open-direct {
                    (ui.t("login-framed-before")) " "
                    a href={ "https://" (host) "/login" } target="_blank" rel="noopener" {
                        (ui.t("login-framed-link"))
                    }
                    (ui.t("login-framed-after"))
                }
            }
        }
    };
    page(Frame::new(ui, Site::Live, &title, now, &viewer), body).into_string()
}
