//! The page's "Cost" section: the last 30 days per Space as an inline SVG bar chart (no
//! script, no external asset, so the strict CSP holds), with the total and this month's
//! projection; and the token self-test's findings, which say why repairs would fail.

use maud::{Markup, html};

use super::ui::Ui;
use crate::domain::Costs;
use crate::monitor::TokenProblem;
use crate::t;

/// Bars drawn at most; the rest are summed in a last line.
const BARS: usize = 12;
const WIDTH: f64 = 480.0;
const ROW: f64 = 22.0;

/// What the section shows.
pub(super) struct CostView {
    pub days: u32,
    pub costs: Costs,
    pub projection: Option<f64>,
}

fn usd(value: f64) -> String {
    format!("${value:.2}")
}

/// The cost section; nothing when nothing billed.
pub(super) fn section(ui: &Ui, view: &CostView) -> Markup {
    let costs = &view.costs;
    let priced: Vec<_> = costs.spaces.iter().filter(|c| c.hours > 0.0).collect();
    if priced.is_empty() {
        return html! {};
    }
    let top = priced
        .iter()
        .filter_map(|c| c.usd)
        .fold(0.0_f64, f64::max)
        .max(0.01);
    let shown: Vec<_> = priced.iter().take(BARS).collect();
    let height = ROW * shown.len() as f64;
    html! {
        section.costs {
            h2 { (ui.t("cost-title")) }
            p.summary {
                (t!(ui.lang, "cost-last-days", days = view.days, total = usd(costs.total_usd)))
                @if costs.partial { " " (ui.t("cost-partial")) }
                @if let Some(month) = view.projection { " · " (t!(ui.lang, "cost-projection", total = usd(month))) }
            }
            svg.cost-bars role="img" aria-label=(ui.t("cost-per-space"))
                viewBox={ "0 0 " (WIDTH) " " (height) } width=(WIDTH) height=(height) {
                @for (i, c) in shown.iter().enumerate() {
                    @let y = ROW * i as f64;
                    @let w = c.usd.map_or(0.0, |u| (u / top) * WIDTH * 0.55);
                    text x="0" y=(y + 15.0) class="label" { (c.space) }
                    rect x=(WIDTH * 0.4) y=(y + 3.0) width=(format!("{w:.1}")) height=(ROW - 6.0) class="bar" {
                        title { (t!(ui.lang, "cost-bar-title", space = c.space.clone(), hardware = c.hardware.clone(), hours = format!("{:.1}", c.hours))) }
                    }
                    text x=(WIDTH * 0.4 + w + 4.0) y=(y + 15.0) class="value" {
                        @match c.usd { Some(u) => (usd(u)), None => (ui.t("cost-unknown-price")) }
                    }
                }
            }
            @if priced.len() > BARS {
                p.empty { (t!(ui.lang, "cost-more", count = priced.len() - BARS)) }
            }
        }
    }
}

/// The token self-test's findings, above everything else: repairs would fail.
pub(super) fn token_notices(ui: &Ui, problems: &[TokenProblem]) -> Markup {
    html! {
        @for p in problems {
            div.banner.bad { (t!(ui.lang, "token-problem", owner = p.owner.clone())) (ui.t("list-colon")) span { (p.verdict.sentence_in(ui.lang, &p.owner)) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SpaceCost;

    fn cost(space: &str, usd: Option<f64>) -> SpaceCost {
        SpaceCost {
            space: space.into(),
            hardware: "t4-small".into(),
            hours: 2.0,
            usd,
        }
    }

    #[test]
    fn bars_scale_to_the_dearest_and_unknown_prices_say_so() {
        let view = CostView {
            days: 30,
            costs: Costs {
                spaces: vec![cost("alice/gpu", Some(0.8)), cost("alice/odd", None)],
                total_usd: 0.8,
                partial: true,
            },
            projection: Some(12.0),
        };
        let html = section(&Ui::default(), &view).into_string();
        assert!(html.contains("<svg"), "{html}");
        assert!(html.contains("Last 30 days: $0.80 plus hardware without a known price"));
        assert!(html.contains("this month at this pace: $12.00"));
        assert!(
            html.contains("width=\"264.0\""),
            "the dearest bar is full width: {html}"
        );
        assert!(html.contains("unknown price"));
        let empty = CostView {
            costs: Costs {
                spaces: vec![],
                total_usd: 0.0,
                partial: false,
            },
            ..view
        };
        assert_eq!(section(&Ui::default(), &empty).into_string(), "");
    }
}
