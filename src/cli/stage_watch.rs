//! A `Hub` that passes every call through and tells the progress display which stage
//! each Space is in, as the repair ladder learns it (the restart's answer, then each
//! runtime poll). Watching the calls keeps the ladder itself free of display code.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::SecretString;

use super::progress::Progress;
use crate::domain::SpaceId;
use crate::hub::{
    Hub, HubError, LogKind, LogLine, MetricSample, MetricStream, SpaceInfo, SpaceRuntime,
    SpaceSummary, WhoAmI,
};

pub(super) struct StageWatch {
    inner: Arc<dyn Hub>,
    progress: Progress,
}

impl StageWatch {
    pub fn new(inner: Arc<dyn Hub>, progress: Progress) -> StageWatch {
        StageWatch { inner, progress }
    }

    fn seen(
        &self,
        id: &SpaceId,
        result: Result<SpaceRuntime, HubError>,
    ) -> Result<SpaceRuntime, HubError> {
        if let Ok(runtime) = &result {
            self.progress.seen(id, &runtime.stage);
        }
        result
    }
}

#[async_trait]
impl Hub for StageWatch {
    async fn list_spaces(
        &self,
        owner: &str,
        token: Option<&SecretString>,
    ) -> Result<Vec<SpaceSummary>, HubError> {
        self.inner.list_spaces(owner, token).await
    }

    async fn runtime(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let result = self.inner.runtime(id, token).await;
        self.seen(id, result)
    }

    async fn space_info(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceInfo, HubError> {
        self.inner.space_info(id, token).await
    }

    async fn restart(
        &self,
        id: &SpaceId,
        factory: bool,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let result = self.inner.restart(id, factory, token).await;
        self.seen(id, result)
    }

    async fn pause(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let result = self.inner.pause(id, token).await;
        self.seen(id, result)
    }

    async fn set_sleep_time(
        &self,
        id: &SpaceId,
        seconds: i64,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        self.inner.set_sleep_time(id, seconds, token).await
    }

    async fn logs(
        &self,
        id: &SpaceId,
        kind: LogKind,
        tail: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<LogLine>, HubError> {
        self.inner.logs(id, kind, tail, token).await
    }

    async fn live_metrics(
        &self,
        id: &SpaceId,
        samples: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<MetricSample>, HubError> {
        self.inner.live_metrics(id, samples, token).await
    }

    async fn live_metrics_stream(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<MetricStream, HubError> {
        self.inner.live_metrics_stream(id, token).await
    }

    async fn whoami(&self, token: &SecretString) -> Result<WhoAmI, HubError> {
        self.inner.whoami(token).await
    }
}
