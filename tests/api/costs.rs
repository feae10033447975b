//! Issue 14, costs: billed time counted from the checks, priced from the published
//! table (unknown flavors stay unknown, never free), served by the API and `/costs`;
//! and `/sleeptime`, refused on cpu-basic where the Hub fixes the sleep time.

use axum::http::{Method, StatusCode};
use spacewarden::commands::{Access, Actor, Command, CommandCore};
use spacewarden::monitor::SchedulerStatus;
use spacewarden::web::{self, WebState};

use crate::support::app::App;
use crate::support::daemon::{Daemon, FAST_REPAIRS};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::web::{API_KEY, send};

fn running_on(id: &str, flavor: &str) -> SpaceSpec {
    SpaceSpec::new(id)
        .hardware(Some(flavor))
        .gc_timeout((flavor == "cpu-basic").then_some(172_800))
}

async fn daemon(hub: &FakeHub) -> Daemon {
    hub.add_user("alice", "hf_alice");
    hub.add_space(running_on("alice/gpu", "t4-small"))
        .add_space(running_on("alice/free", "cpu-basic"))
        .add_space(running_on("alice/odd", "h200x8"));
    let app = App::new(hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("API_KEY", API_KEY)
        .settings(FAST_REPAIRS);
    Daemon::new(&app).await.owning(app)
}

fn core(d: &Daemon) -> CommandCore {
    let access = Access {
        telegram_admins: vec![42],
        ..Access::default()
    };
    CommandCore::new(d.monitor.clone(), access, None)
}

#[tokio::test]
async fn an_hour_on_a_t4_costs_its_price_cpu_basic_nothing_and_an_unknown_flavor_is_unknown() {
    let hub = FakeHub::start().await;
    let d = daemon(&hub).await;
    // Thirteen checks five minutes apart: an hour of running between the first and
    // the last.
    for _ in 0..13 {
        d.cycle().await;
    }
    let costs = d.monitor.costs(1).await.expect("costs");
    let of = |space: &str| {
        costs
            .spaces
            .iter()
            .find(|c| c.space == space)
            .cloned()
            .unwrap_or_else(|| panic!("{space} in {costs:?}"))
    };
    let gpu = of("alice/gpu");
    assert!((gpu.hours - 1.0).abs() < 1e-9, "{gpu:?}");
    assert_eq!(gpu.usd.map(|u| (u * 100.0).round()), Some(40.0));
    assert_eq!(of("alice/free").usd, Some(0.0));
    assert_eq!(of("alice/odd").usd, None, "unknown, never free");
    assert!(costs.partial);

    let router = web::router(WebState::new(
        d.monitor.clone(),
        SchedulerStatus::new(d.monitor.config().check_schedule.clone()),
    ));
    // The page's cost section: an inline SVG bar per Space, the dearest first.
    let page = send(&router, Method::GET, "/", None).await;
    let section = page
        .body
        .split("<h2>Cost</h2>")
        .nth(1)
        .expect("a cost section");
    assert!(
        section.contains("aria-label=\"Cost per Space\""),
        "{section}"
    );
    let gpu_at = section.find(">alice/gpu<").expect("alice/gpu has a bar");
    let free_at = section.find(">alice/free<").expect("alice/free has a bar");
    assert!(gpu_at < free_at, "dearest first: {section}");
    assert!(section.contains("unknown price"), "{section}");
    let reply = send(&router, Method::GET, "/api/v1/costs?days=1", Some(API_KEY)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["currency"], "USD");
    assert_eq!(body["days"], 1);
    assert!(
        (body["total_usd"].as_f64().unwrap() - 0.40).abs() < 1e-9,
        "{body}"
    );
    let odd = body["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["space"] == "alice/odd")
        .expect("the unknown flavor is listed");
    assert!(odd["usd"].is_null());
    assert_eq!(odd["hardware"], "h200x8");
    for bad in ["days=0", "days=91", "days=soon"] {
        let reply = send(
            &router,
            Method::GET,
            &format!("/api/v1/costs?{bad}"),
            Some(API_KEY),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
    }

    let reply = core(&d)
        .execute(&Actor::telegram(42, 42), Command::Costs)
        .await
        .reply;
    let text = format!("{reply:?}");
    assert!(text.contains("$0.40"), "{text}");
    assert!(
        text.contains("alice/odd (h200x8): 1.0 h, unknown price"),
        "{text}"
    );
}

#[tokio::test]
async fn sleeptime_is_set_on_upgraded_hardware_and_refused_on_cpu_basic() {
    let hub = FakeHub::start().await;
    let d = daemon(&hub).await;
    d.cycle().await;
    let core = core(&d);
    let admin = Actor::telegram(42, 42);
    let refused = core
        .execute(
            &admin,
            Command::SleepTime(
                "alice/free".into(),
                Some(std::time::Duration::from_secs(3600)),
            ),
        )
        .await;
    assert!(
        refused.reply.title.contains("fixes the sleep time at 48 h"),
        "{}",
        refused.reply.title
    );
    assert_eq!(
        hub.count("POST", "/sleeptime"),
        0,
        "refused before asking the Hub"
    );
    let set = core
        .execute(
            &admin,
            Command::SleepTime(
                "alice/gpu".into(),
                Some(std::time::Duration::from_secs(3600)),
            ),
        )
        .await;
    assert!(
        set.reply.title.contains("now sleeps after: 1 h"),
        "{}",
        set.reply.title
    );
    assert_eq!(hub.runtime("alice/gpu")["gcTimeout"], 3600);
    let never = core
        .execute(&admin, Command::SleepTime("alice/gpu".into(), None))
        .await;
    assert!(never.reply.title.contains("never"), "{}", never.reply.title);
    let actions = d
        .monitor
        .store()
        .actions(
            &spacewarden::domain::SpaceId::parse("alice/gpu").unwrap(),
            5,
        )
        .await
        .unwrap();
    assert_eq!(actions[0].kind, "sleeptime");
    assert_eq!(actions[0].actor, "telegram:42");
}
