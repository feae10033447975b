//! `[memory]`: how the memory sampler reads the live metrics of running Spaces. A
//! stream costs a connection to the live-metrics host, so the sampler holds as many at
//! once as its Spaces need to be read once per `every` (at least `streams`, at most
//! `max_streams`) and reads a few events from each.

use std::time::Duration;

use serde::Deserialize;

use super::{SettingError, bounded, count};

/// The cap on `max_streams`: past a few hundred sockets to one host, the host's own
/// limits (and ours on open files) bite before the reads get faster.
pub const MAX_STREAMS: usize = 256;

/// The sampler's budget and the warning's threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct MemorySettings {
    /// Live-metrics streams open at once, over all Spaces, at the least: more when
    /// the running Spaces need them to be read once per `every`.
    pub streams: usize,
    /// The most streams open at once: the budget of the live-metrics host
    /// (`HF_SPACES_API_URL`), where every read goes. Never over `MAX_STREAMS`.
    pub max_streams: usize,
    /// Each running Space is sampled at least this often.
    pub every: Duration,
    /// Events read from each stream.
    pub samples: usize,
    /// Memory used at or above this share of the limit, in every sample read, warns.
    pub high_pct: f64,
}

impl Default for MemorySettings {
    fn default() -> Self {
        MemorySettings {
            streams: 4,
            max_streams: 64,
            every: Duration::from_secs(600),
            samples: 3,
            high_pct: 90.0,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMemory {
    streams: Option<usize>,
    max_streams: Option<usize>,
    every: Option<String>,
    samples: Option<usize>,
    high_pct: Option<f64>,
}

impl RawMemory {
    pub(super) fn apply(self) -> Result<MemorySettings, SettingError> {
        let mut out = MemorySettings::default();
        if let Some(n) = self.streams {
            out.streams = count("streams", n, 1, 64)?;
        }
        if let Some(n) = self.max_streams {
            out.max_streams = count("max_streams", n, 1, MAX_STREAMS)?;
        }
        if let Some(every) = self.every {
            out.every = bounded("every", &every, Duration::from_secs(86_400))?;
        }
        if let Some(n) = self.samples {
            out.samples = count("samples", n, 1, 60)?;
        }
        if let Some(pct) = self.high_pct {
            out.high_pct = count("high_pct", pct, 1.0, 100.0)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<MemorySettings, String> {
        toml::from_str::<RawMemory>(text)
            .map_err(|e| e.to_string())?
            .apply()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_and_bounds_name_the_key() {
        assert_eq!(parse("").unwrap(), MemorySettings::default());
        let set = parse("streams = 2\nevery = \"5m\"\nsamples = 5\nhigh_pct = 95").unwrap();
        assert_eq!((set.streams, set.every.as_secs(), set.samples), (2, 300, 5));
        assert!(parse("streams = 0").unwrap_err().contains("streams"));
        assert_eq!(parse("max_streams = 8").unwrap().max_streams, 8);
        assert!(
            parse("max_streams = 257")
                .unwrap_err()
                .contains("max_streams")
        );
        assert!(parse("every = \"400d\"").unwrap_err().contains("every"));
        assert!(parse("high_pct = 120").unwrap_err().contains("high_pct"));
    }
}
