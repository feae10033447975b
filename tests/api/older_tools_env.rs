//! Issue 21, a drop-in for the older tools' users: each tool's own `.env`
//! (`tests/fixtures/older-tools/`, copied from its README with the source named at its
//! top) is given to the real binary verbatim as `.env`, with only the Hub pointed at the
//! fake (the environment wins over `.env`). `check` and `doctor` accept it and watch
//! what the tool watched. The README's migration guide is run the same way, command by
//! command, so it stays true.

use std::collections::BTreeSet;

use crate::support::app::{App, Run};
use crate::support::fake_hub::{FakeHub, SpaceSpec};

/// One older tool: its fixture, the Hub it expects, and what it watched.
struct Tool {
    fixture: &'static str,
    /// Hub users and their tokens, as the fixture names them.
    users: &'static [(&'static str, &'static str)],
    /// Organizations and the user whose token may act on them.
    orgs: &'static [(&'static str, &'static str)],
    spaces: &'static [&'static str],
    /// Lines doctor prints for the watch list and sign-in.
    understood: &'static [&'static str],
    secrets: &'static [&'static str],
}

const TOOLS: &[Tool] = &[
    Tool {
        fixture: "node-dashboard.env",
        users: &[("user1", "token1"), ("user2", "token2")],
        orgs: &[],
        spaces: &["user1/space1", "user1/space2", "user2/app", "user3/public"],
        understood: &[
            "user1/*  (every Space of the owner, from HF_USER)",
            "user2/*  (every Space of the owner, from HF_USER)",
            "user3/*  (every Space of the owner, from HF_USER)",
            "read HF_USER as SPACES",
            "read USER_NAME as WEB_USERNAME",
            "read USER_PASSWORD as WEB_PASSWORD",
            "user \"admin\" from USER_NAME, password from USER_PASSWORD",
            "user3: no token, a read-only fallback",
            "API: on (API_KEY)",
        ],
        secrets: &["token1", "token2", "secretpassword", "your_api_key_here"],
    },
    Tool {
        fixture: "cloudflare-manager.env",
        users: &[
            ("user1", "hf_token_for_user1"),
            ("ops", "hf_fallback_token"),
        ],
        orgs: &[("user2", "ops"), ("user3", "ops")],
        spaces: &["user1/space1", "user2/app", "user3/app"],
        understood: &[
            "user1/*  (every Space of the owner, from HF_USER)",
            "user2/*  (every Space of the owner, from HF_USER)",
            "user3/*  (every Space of the owner, from HF_USERNAMES)",
            "read HF_API_TOKEN as HF_TOKEN",
            "read HF_USERNAMES as SPACES",
            "read HF_USERNAME as WEB_USERNAME",
            "read HF_PASSWORD as WEB_PASSWORD",
            "user \"admin\" from HF_USERNAME, password from HF_PASSWORD",
            "user2: token from HF_API_TOKEN; whoami: ops (user), role write: can restart user2's",
        ],
        secrets: &[
            "hf_token_for_user1",
            "hf_fallback_token",
            "your-secure-password",
            "your-api-key",
        ],
    },
    Tool {
        fixture: "python-monitor.env",
        users: &[("your-username", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxx")],
        orgs: &[],
        spaces: &[
            "your-username/space1",
            "your-username/space2",
            "your-username/space3",
        ],
        understood: &[
            "your-username/space1  (one Space, from SPACE_LIST)",
            "your-username/space3  (one Space, from SPACE_LIST)",
            "read SPACE_LIST as SPACES",
            "your-username: token from HF_TOKEN; whoami: your-username (user), role write",
        ],
        secrets: &["hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    Tool {
        fixture: "keep-alive-workflow.env",
        users: &[("your-username", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxx")],
        orgs: &[],
        spaces: &["your-username/your-space-name"],
        understood: &[
            "your-username/your-space-name  (one Space, from REPO_ID)",
            "read REPO_ID as SPACES",
        ],
        secrets: &["hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
];

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/older-tools/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fake Hub the tool's users had, and the binary with the tool's `.env`.
async fn setup(tool: &Tool) -> (FakeHub, App) {
    let hub = FakeHub::start().await;
    for (user, token) in tool.users {
        hub.add_user(user, token);
    }
    for (org, member) in tool.orgs {
        hub.add_org(org, &[member]);
    }
    for id in tool.spaces {
        hub.add_space(SpaceSpec::new(id));
    }
    let app = App::new(&hub);
    std::fs::write(app.dir().join(".env"), fixture(tool.fixture)).expect("write .env");
    (hub, app)
}

fn assert_clean(tool: &Tool, command: &str, run: &Run) {
    for secret in tool.secrets {
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.contains(secret),
                "{}: `{command}` printed {secret} on {stream}:\n{text}",
                tool.fixture
            );
        }
    }
}

#[tokio::test]
async fn each_tools_own_env_is_accepted_and_watches_what_it_watched() {
    for tool in TOOLS {
        let (_hub, app) = setup(tool).await;
        let check = app.check_json().await;
        assert_eq!(check.code, 0, "{}: check:\n{check:?}", tool.fixture);
        let checked: BTreeSet<String> = check
            .json()
            .iter()
            .map(|row| row["space"].as_str().unwrap_or_default().to_owned())
            .collect();
        let expected: BTreeSet<String> = tool.spaces.iter().map(|s| s.to_string()).collect();
        assert_eq!(checked, expected, "{}", tool.fixture);
        assert_clean(tool, "check", &check);

        let doctor = app.run(&["doctor"]).await;
        assert_eq!(
            doctor.code, 0,
            "{}: doctor:\n{}",
            tool.fixture, doctor.stdout
        );
        for line in tool.understood {
            assert!(
                doctor.stdout.contains(line),
                "{}: no \"{line}\" in:\n{}",
                tool.fixture,
                doctor.stdout
            );
        }
        assert_clean(tool, "doctor", &doctor);
    }
}

#[tokio::test]
async fn each_alias_is_logged_once_at_startup_and_never_its_value() {
    let tool = &TOOLS[1];
    let (_hub, app) = setup(tool).await;
    let app = app.env("RUST_LOG", "info");
    let run = app.run(&["check"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    for line in [
        "read HF_API_TOKEN as HF_TOKEN",
        "read HF_USER as SPACES",
        "read HF_USERNAMES as SPACES",
        "read HF_USERNAME as WEB_USERNAME",
        "read HF_PASSWORD as WEB_PASSWORD",
    ] {
        assert_eq!(
            run.stderr.matches(line).count(),
            1,
            "{line}:\n{}",
            run.stderr
        );
    }
    assert_clean(tool, "check", &run);
}

/// The README's "Coming from another tool": each tool's subsection names its fixture
/// (`<!-- fixture: … -->`) and shows the commands to run first; each runs here with that
/// fixture and must succeed.
#[tokio::test]
async fn the_readmes_migration_guide_runs_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("### Coming from another tool")
        .expect("the migration guide");
    let guide = &readme[start..];
    let guide = &guide[..guide[4..].find("\n### ").map_or(guide.len(), |end| end + 4)];
    let mut ran = 0;
    for part in guide.split("\n#### ").skip(1) {
        let title = part.lines().next().unwrap_or_default();
        let Some(name) = part
            .split("<!-- fixture: ")
            .nth(1)
            .and_then(|rest| rest.split(" -->").next())
        else {
            panic!("\"{title}\" names no fixture");
        };
        let tool = TOOLS
            .iter()
            .find(|t| t.fixture == name)
            .unwrap_or_else(|| panic!("{title}: no fixture {name}"));
        let commands: Vec<&str> = part
            .lines()
            .map(str::trim)
            .filter_map(|l| l.strip_prefix("spacewarden "))
            .collect();
        assert!(
            commands.contains(&"doctor"),
            "\"{title}\" shows spacewarden doctor first: {commands:?}"
        );
        let (_hub, app) = setup(tool).await;
        for command in commands {
            let args: Vec<&str> = command.split_whitespace().collect();
            let run = app.run(&args).await;
            assert_eq!(run.code, 0, "{title}: `spacewarden {command}`:\n{run:?}");
            assert_clean(tool, command, &run);
            ran += 1;
        }
    }
    assert!(
        ran >= 8,
        "each tool's guide shows doctor and check ({ran} run)"
    );
}
