//! Every URL spacewarden sends to, besides the chat bots' own APIs, as (name, URL):
//! `spacewarden doctor` checks each one can be reached (a connect, never a request).
//! A new destination adds its line here, beside its variable.

use url::Url;

use super::Config;

impl Config {
    /// The outbound URLs to check, each named by its variable. They may carry secrets
    /// in their path or query: print `host_str()` only.
    pub fn outbound_urls(&self) -> Vec<(&'static str, &Url)> {
        let mut out = vec![
            ("HF_ENDPOINT", &self.hf_endpoint),
            ("HF_SPACES_API_URL", &self.hf_spaces_api_url),
        ];
        out.extend(
            self.alert_webhook_url
                .iter()
                .map(|u| ("ALERT_WEBHOOK_URL", u)),
        );
        out.extend(self.channels.urls());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alert_channel_is_reached() {
        let config = Config::from_lookup(|name| match name {
            "SPACES" => Some("alice/*".to_owned()),
            "NTFY_URL" => Some("https://ntfy.example/topic".to_owned()),
            "PUSHPLUS_TOKEN" => Some("pp-token".to_owned()),
            _ => None,
        })
        .unwrap();
        let names: Vec<&str> = config.outbound_urls().iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"NTFY_URL"), "{names:?}");
        assert!(names.contains(&"PUSHPLUS_URL"), "{names:?}");
    }
}
