//! What Space hardware costs, as data. The defaults are Hugging Face's published
//! hourly prices for Spaces hardware; `[prices]` in `SPACEWARDEN_CONFIG` overrides or
//! adds flavors. A flavor with no price is unknown, never free: `cpu-basic` and
//! `zero-a10g` (ZeroGPU) are free because the table says so.
//!
//! Source of every default row: <https://huggingface.co/docs/hub/en/spaces-gpus>,
//! "Hardware Specs", read on 2026-11-30 (USD per hour, billed by the minute).

use std::collections::BTreeMap;

use super::Stage;

/// Where the defaults come from, and when they were read.
pub const PRICES_SOURCE: &str = "https://huggingface.co/docs/hub/en/spaces-gpus";
pub const PRICES_READ_ON: &str = "2026-11-30";

/// Hugging Face's flavor names (reference §6) and their hourly price in USD.
const DEFAULTS: [(&str, f64); 15] = [
    ("cpu-basic", 0.0),
    ("zero-a10g", 0.0),
    ("cpu-upgrade", 0.03),
    ("t4-small", 0.40),
    ("t4-medium", 0.60),
    ("l4x1", 0.80),
    ("l4x4", 3.80),
    ("l40sx1", 1.80),
    ("l40sx4", 8.30),
    ("l40sx8", 23.50),
    ("a10g-small", 1.00),
    ("a10g-large", 1.50),
    ("a10g-largex2", 3.00),
    ("a10g-largex4", 5.00),
    ("a100-large", 4.00),
];

/// Prices per flavor, USD per hour.
#[derive(Debug, Clone, PartialEq)]
pub struct Prices(BTreeMap<String, f64>);

impl Default for Prices {
    fn default() -> Self {
        Prices(
            DEFAULTS
                .iter()
                .map(|(flavor, usd)| ((*flavor).to_owned(), *usd))
                .collect(),
        )
    }
}

impl Prices {
    /// The defaults with `overrides` on top.
    pub fn with(overrides: &BTreeMap<String, f64>) -> Prices {
        let mut prices = Prices::default();
        prices.0.extend(overrides.clone());
        prices
    }

    /// USD per hour; `None` when the flavor is unknown.
    pub fn hourly(&self, flavor: &str) -> Option<f64> {
        self.0.get(flavor).copied()
    }
}

impl Stage {
    /// Whether the Space's hardware bills in this stage. Hugging Face bills a Space
    /// "only when it is actually Running": no cost during a first build or startup,
    /// none once it fails, sleeps, stops or is paused. While a running Space rebuilds
    /// or restarts its app (`RUNNING_BUILDING`, `RUNNING_APP_STARTING`) the old
    /// version still runs on the hardware, so that time bills too.
    pub fn bills(&self) -> bool {
        matches!(
            self,
            Stage::Running | Stage::RunningBuilding | Stage::RunningAppStarting
        )
    }
}

/// What one Space cost on one flavor over a window.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceCost {
    pub space: String,
    pub hardware: String,
    pub hours: f64,
    /// `None`: the flavor has no known price.
    pub usd: Option<f64>,
}

/// Costs over a window: per Space and flavor, most expensive first, and the total of
/// what is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    pub spaces: Vec<SpaceCost>,
    pub total_usd: f64,
    /// Some billed time is on a flavor without a price: the total is a lower bound.
    pub partial: bool,
}

impl Prices {
    /// Prices billed time (`(space, flavor, milliseconds)`).
    pub fn costs(&self, usage: impl IntoIterator<Item = (String, String, i64)>) -> Costs {
        let mut spaces: Vec<SpaceCost> = usage
            .into_iter()
            .map(|(space, hardware, billed_ms)| {
                let hours = billed_ms.max(0) as f64 / 3_600_000.0;
                let usd = self.hourly(&hardware).map(|price| hours * price);
                SpaceCost {
                    space,
                    hardware,
                    hours,
                    usd,
                }
            })
            .collect();
        spaces.sort_by(|a, b| {
            let key = |c: &SpaceCost| c.usd.unwrap_or(f64::INFINITY);
            key(b)
                .total_cmp(&key(a))
                .then_with(|| a.space.cmp(&b.space))
        });
        Costs {
            total_usd: spaces.iter().filter_map(|c| c.usd).sum(),
            partial: spaces.iter().any(|c| c.usd.is_none()),
            spaces,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_paid_and_unknown() {
        let prices = Prices::default();
        assert_eq!(prices.hourly("cpu-basic"), Some(0.0));
        assert_eq!(prices.hourly("zero-a10g"), Some(0.0));
        assert_eq!(prices.hourly("t4-small"), Some(0.40));
        assert_eq!(prices.hourly("h200x8"), None, "unknown, never free");
        let custom =
            Prices::with(&[("h200x8".to_owned(), 40.0), ("t4-small".to_owned(), 0.5)].into());
        assert_eq!(custom.hourly("h200x8"), Some(40.0));
        assert_eq!(custom.hourly("t4-small"), Some(0.5));
    }

    #[test]
    fn costs_are_hours_times_price_and_unknown_stays_unknown() {
        let costs = Prices::default().costs([
            ("a/gpu".to_owned(), "t4-small".to_owned(), 2 * 3_600_000),
            ("a/free".to_owned(), "cpu-basic".to_owned(), 10 * 3_600_000),
            ("a/odd".to_owned(), "h200x8".to_owned(), 3_600_000),
        ]);
        let names: Vec<&str> = costs.spaces.iter().map(|c| c.space.as_str()).collect();
        assert_eq!(
            names,
            ["a/odd", "a/gpu", "a/free"],
            "unknown first, then by cost"
        );
        assert_eq!(costs.spaces[1].usd, Some(0.80));
        assert_eq!(costs.spaces[2].usd, Some(0.0));
        assert_eq!(costs.spaces[0].usd, None);
        assert!((costs.total_usd - 0.80).abs() < 1e-9);
        assert!(costs.partial);
    }

    #[test]
    fn which_stages_bill() {
        let billing: Vec<&str> = [
            "RUNNING",
            "RUNNING_BUILDING",
            "RUNNING_APP_STARTING",
            "BUILDING",
            "APP_STARTING",
            "RUNTIME_ERROR",
            "BUILD_ERROR",
            "PAUSED",
            "SLEEPING",
            "STOPPED",
            "CONFIG_ERROR",
            "NO_APP_FILE",
            "DELETING",
        ]
        .into_iter()
        .filter(|s| Stage::parse(s).bills())
        .collect();
        assert_eq!(
            billing,
            ["RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"]
        );
    }
}
