//! Chat and alert destinations. The bots are asked who they are (Telegram `getMe`,
//! Discord `GET /users/@me`: reads, nothing is sent to anyone); every other outbound
//! URL (`Config::outbound_urls`) gets a TCP connect and, for https, a TLS handshake
//! against the usual web roots, never a request: a POST to a webhook would deliver a
//! message. Only hosts are printed: a webhook's path or query
//! is often its secret, and the Telegram token is in its API paths.

use std::time::Duration;

use secrecy::ExposeSecret;
use url::Url;

use super::report::Report;
use crate::config::{Config, Sentence};

/// How long one connect or one bot request may take.
const TIMEOUT: Duration = Duration::from_secs(10);

pub(super) async fn check(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-destinations");
    let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
        Ok(client) => client,
        Err(_) => {
            report.problem(Sentence::new("doctor-http-client"));
            return;
        }
    };
    match &config.telegram {
        None => report.info(
            Sentence::new("doctor-bot-off")
                .text("bot", "Telegram")
                .text("variable", "TELEGRAM_BOT_TOKEN"),
        ),
        Some(tg) => {
            let url = format!(
                "{}/bot{}/getMe",
                tg.api_url.as_str().trim_end_matches('/'),
                tg.token.expose_secret()
            );
            let answer = bot_call(client.get(url), &tg.api_url).await;
            judge(
                report,
                "Telegram getMe",
                "TELEGRAM_BOT_TOKEN",
                answer,
                |me| me["result"]["username"].as_str().map(|u| format!("@{u}")),
            );
        }
    }
    match &config.discord {
        None => report.info(
            Sentence::new("doctor-bot-off")
                .text("bot", "Discord")
                .text("variable", "DISCORD_BOT_TOKEN"),
        ),
        Some(dc) => {
            let url = format!(
                "{}/api/v10/users/@me",
                dc.api_url.as_str().trim_end_matches('/')
            );
            let request = client
                .get(url)
                .header("Authorization", format!("Bot {}", dc.token.expose_secret()));
            let answer = bot_call(request, &dc.api_url).await;
            judge(
                report,
                "Discord /users/@me",
                "DISCORD_BOT_TOKEN",
                answer,
                |me| me["username"].as_str().map(str::to_owned),
            );
        }
    }
    for (name, url) in config.outbound_urls() {
        reach(report, name, url).await;
    }
    // The mail server: a TCP connect to SMTP_URL's host and port, no SMTP said (its
    // greeting, STARTTLS and sign-in are the delivery's; a message is never sent).
    if let Some(email) = &config.channels.email {
        match Url::parse(&format!("smtp://{}:{}", email.host, email.port)) {
            Ok(url) => reach(report, "SMTP_URL", &url).await,
            Err(_) => report.problem(Sentence::new("doctor-smtp-host")),
        }
    }
}

async fn reach(report: &mut Report, name: &str, url: &Url) {
    match connect(url).await {
        Ok(at) => report.ok(Sentence::new("doctor-reachable")
            .text("name", name)
            .text("at", at)),
        Err(why) => report.problem(
            Sentence::new("doctor-unreachable")
                .text("name", name)
                .part("why", why),
        ),
    }
}

/// What a bot's API said: its JSON on 2xx, else the status, else why it was not reached.
enum Answer {
    Json(serde_json::Value),
    Status(u16),
    Unreached(Sentence),
}

async fn bot_call(request: reqwest::RequestBuilder, api: &Url) -> Answer {
    match request.send().await {
        Ok(response) if response.status().is_success() => response
            .json()
            .await
            .map_or_else(|_| Answer::Status(200), Answer::Json),
        Ok(response) => Answer::Status(response.status().as_u16()),
        // reqwest's error names the URL, which holds the Telegram token: the host only.
        Err(e) => Answer::Unreached(
            if e.is_timeout() {
                Sentence::new("doctor-bot-timed-out")
            } else {
                Sentence::new("doctor-bot-connection-failed")
            }
            .text("at", host(api)),
        ),
    }
}

fn judge(
    report: &mut Report,
    what: &str,
    variable: &str,
    answer: Answer,
    name: impl Fn(&serde_json::Value) -> Option<String>,
) {
    match answer {
        Answer::Json(me) => report.ok(match name(&me) {
            Some(name) => Sentence::new("doctor-bot-is")
                .text("what", what)
                .text("name", name),
            None => Sentence::new("doctor-bot-no-name").text("what", what),
        }),
        Answer::Status(s @ (401 | 403 | 404)) => report.problem(
            Sentence::new("doctor-bot-refused")
                .text("what", what)
                .text("variable", variable)
                .number("status", s),
        ),
        Answer::Status(s) => report.problem(
            Sentence::new("doctor-bot-answered")
                .text("what", what)
                .number("status", s),
        ),
        Answer::Unreached(why) => report.problem(
            Sentence::new("doctor-unreachable")
                .text("name", what)
                .part("why", why),
        ),
    }
}

/// Connects to `url`'s host and port (and shakes hands for https), then hangs up:
/// `host:port`, or why not.
async fn connect(url: &Url) -> Result<String, Sentence> {
    let at = host(url);
    let (Some(name), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Err(Sentence::new("doctor-no-host-port").text("at", &at));
    };
    let attempt = async {
        let stream = tokio::net::TcpStream::connect((name, port))
            .await
            // The system's words ("Connection refused", a failed name lookup).
            .map_err(|e| {
                Sentence::new("doctor-cannot-connect")
                    .text("at", &at)
                    .text("why", e)
            })?;
        if url.scheme() == "https" {
            handshake(stream, name).await.map_err(|why| {
                Sentence::new("doctor-tls-failed")
                    .text("at", &at)
                    .text("why", why)
            })?;
        }
        Ok(at.clone())
    };
    tokio::time::timeout(TIMEOUT, attempt)
        .await
        .unwrap_or_else(|_| Err(Sentence::new("doctor-connect-timed-out").text("at", &at)))
}

/// A TLS handshake with `name`'s certificate checked against the web's roots.
async fn handshake(stream: tokio::net::TcpStream, name: &str) -> Result<(), String> {
    use tokio_rustls::rustls::{ClientConfig, RootCertStore, pki_types::ServerName};
    let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let server = ServerName::try_from(name.to_owned()).map_err(|e| e.to_string())?;
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    connector
        .connect(server, stream)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

/// `host:port` of a URL, nothing of its path, query or user info.
fn host(url: &Url) -> String {
    let name = url.host_str().unwrap_or("?");
    match url.port_or_known_default() {
        Some(port) => format!("{name}:{port}"),
        None => name.to_owned(),
    }
}
