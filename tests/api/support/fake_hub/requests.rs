//! The test-facing queries over the request log that every host appends to
//! (see `layers`): all requests, per host, counts, and accepted restarts.

use super::FakeHub;
use super::list::{first, query_pairs};
use super::spec::{HostKind, LoggedRequest};

impl FakeHub {
    /// Every request on every host, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.with(|st| st.log.clone())
    }

    pub fn requests_to(&self, host: HostKind) -> Vec<LoggedRequest> {
        self.with(|st| st.log.iter().filter(|r| r.host == host).cloned().collect())
    }

    pub fn clear_requests(&self) {
        self.with(|st| st.log.clear());
    }

    /// Requests (any host) with this method whose path contains the text.
    pub fn count(&self, method: &str, path_contains: &str) -> usize {
        self.with(|st| {
            st.log
                .iter()
                .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.contains(path_contains))
                .count()
        })
    }

    /// The restarts of `id` the Hub accepted (200), in order: `true` for a
    /// factory reboot.
    pub fn restarts(&self, id: &str) -> Vec<bool> {
        let path = format!("/api/spaces/{id}/restart");
        self.with(|st| {
            st.log
                .iter()
                .filter(|r| r.host == HostKind::Hub && r.method == "POST" && r.path == path)
                .filter(|r| r.status == Some(200))
                .map(|r| {
                    let pairs = query_pairs(Some(&r.query));
                    first(&pairs, "factory") == Some("true")
                })
                .collect()
        })
    }
}
