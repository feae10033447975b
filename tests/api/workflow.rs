//! The GitHub Actions examples, `examples/github-actions/spacewarden.yml` and
//! `keep-alive.yml`, run as a runner would run them, without GitHub: its `run:` steps in order with bash (as
//! `shell: bash` does: `--noprofile --norc -eo pipefail`), each with the workflow's,
//! the job's and the step's `env` (secrets from the test, empty when not given) and
//! what earlier steps wrote to `$GITHUB_ENV` and `$GITHUB_PATH`. `uses:` steps
//! (checkout, the caches, Pages) are skipped: the binary is put where the cache would
//! restore it. Against the fake Hub and a webhook; `spacewarden.yml` must end with a
//! report on disk, `keep-alive.yml` with one restart.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use spacewarden::domain::SpaceId;
use spacewarden::store::Store;

use crate::support::app::App;
use crate::support::daemon::FAST_REPAIRS;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::webhook::WebhookSink;

const WORKFLOW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/github-actions/spacewarden.yml"
);
const KEEP_ALIVE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/github-actions/keep-alive.yml"
);

#[derive(Debug, Deserialize)]
struct Workflow {
    on: serde_norway::Value,
    env: BTreeMap<String, String>,
    jobs: BTreeMap<String, Job>,
}

#[derive(Debug, Deserialize)]
struct Job {
    #[serde(default)]
    env: BTreeMap<String, String>,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Step {
    name: Option<String>,
    uses: Option<String>,
    run: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(rename = "if")]
    condition: Option<String>,
    shell: Option<String>,
    working_directory: Option<String>,
}

/// The expressions the emulated runner evaluates: `${{ a || b || 'text' }}` of
/// `secrets.NAME`, `vars.NAME` (repository variables: none in these tests) and quoted
/// text, the first that is not empty (an unknown secret is empty, as on GitHub); any
/// other one fails the test, so the workflows stay runnable here.
fn resolve(value: &str, secrets: &HashMap<&str, String>) -> String {
    if !value.contains("${{") {
        return value.to_owned();
    }
    let expression = value
        .trim()
        .strip_prefix("${{")
        .and_then(|v| v.strip_suffix("}}"))
        .unwrap_or_else(|| panic!("an expression the test cannot evaluate: {value}"));
    let term = |term: &str| {
        let term = term.trim();
        if let Some(name) = term.strip_prefix("secrets.") {
            secrets.get(name).cloned().unwrap_or_default()
        } else if term.starts_with("vars.") {
            String::new()
        } else if let Some(text) = term.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            text.to_owned()
        } else {
            panic!("an expression the test cannot evaluate: {value}")
        }
    };
    expression
        .split("||")
        .map(term)
        .find(|v| !v.is_empty())
        .unwrap_or_default()
}

/// `KEY=VALUE` lines of `$GITHUB_ENV`.
fn read_env_file(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            assert!(
                !line.contains("<<"),
                "multi-line GITHUB_ENV is not emulated"
            );
            let (key, value) = line.split_once('=').expect("KEY=VALUE");
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

struct Runner {
    workspace: PathBuf,
    base: Vec<(String, String)>,
    files: PathBuf,
}

impl Runner {
    fn file(&self, name: &str) -> PathBuf {
        self.files.join(name)
    }

    /// Runs one `run:` script as GitHub's `shell: bash` does; panics with its output
    /// when it fails.
    async fn run(&self, index: usize, script: &str, env: &[(String, String)]) {
        let path = self.file(&format!("step-{index}.sh"));
        std::fs::write(&path, script).unwrap();
        let mut vars: Vec<(String, String)> = self.base.clone();
        vars.extend(env.iter().cloned());
        vars.extend(read_env_file(&self.file("github_env")));
        let added = std::fs::read_to_string(self.file("github_path")).unwrap_or_default();
        let mut path_var: Vec<String> = added.lines().rev().map(str::to_owned).collect();
        path_var.push(std::env::var("PATH").unwrap_or_default());
        vars.push(("PATH".into(), path_var.join(":")));
        let child = tokio::process::Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&path)
            .env_clear()
            .envs(vars)
            .current_dir(&self.workspace)
            .stdin(Stdio::null())
            .output();
        let output = tokio::time::timeout(Duration::from_secs(120), child)
            .await
            .expect("the step ended")
            .expect("bash runs");
        assert!(
            output.status.success(),
            "step {index} failed ({}):\n{script}\nstdout:\n{}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Runs `job`'s `run:` steps in order in a fresh workspace of `app` (the binary where
/// the cache would restore it, the fakes' addresses as the runner's environment, the
/// workflow's and the job's `env` with `secrets`); what ran, `uses:` steps named.
async fn run_steps(
    app: &App,
    workflow_env: &BTreeMap<String, String>,
    job: &Job,
    secrets: &HashMap<&str, String>,
) -> Vec<String> {
    let workspace = app.dir().join("workspace");
    let home = app.dir().join("home");
    let files = app.dir().join("runner");
    for dir in [&workspace, &home, &files] {
        std::fs::create_dir_all(dir).unwrap();
    }
    // Where the binary cache restores to.
    let bin = home.join(".spacewarden/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_spacewarden"), bin.join("spacewarden")).unwrap();
    let mut base: Vec<(String, String)> = app
        .vars()
        .into_iter()
        .filter(|(key, _)| key != "DATABASE_URL")
        .collect();
    let runner_files = [
        ("GITHUB_ENV", "github_env"),
        ("GITHUB_PATH", "github_path"),
        ("GITHUB_OUTPUT", "github_output"),
        ("GITHUB_STEP_SUMMARY", "step_summary"),
    ];
    for (key, name) in runner_files {
        base.push((key.into(), files.join(name).display().to_string()));
    }
    for (key, value) in [
        ("HOME", home.display().to_string()),
        ("GITHUB_WORKSPACE", workspace.display().to_string()),
        ("RUNNER_TEMP", files.display().to_string()),
        ("GITHUB_ACTIONS", "true".to_owned()),
        ("CI", "true".to_owned()),
    ] {
        base.push((key.into(), value));
    }
    let runner = Runner {
        workspace: workspace.clone(),
        base,
        files,
    };

    let mut ran: Vec<String> = Vec::new();
    for (index, step) in job.steps.iter().enumerate() {
        if let Some(uses) = &step.uses {
            ran.push(format!("uses {uses}"));
            continue;
        }
        let script = step.run.as_deref().expect("a step runs or uses something");
        let name = step.name.as_deref().unwrap_or(script);
        assert!(step.condition.is_none(), "{name}: `if:` on a run step");
        assert!(step.shell.is_none() && step.working_directory.is_none());
        assert!(
            !script.contains("${{"),
            "{name}: an expression inside a script (pass it through env)"
        );
        let env: Vec<(String, String)> = workflow_env
            .iter()
            .chain(&job.env)
            .chain(&step.env)
            .map(|(k, v)| (k.clone(), resolve(v, secrets)))
            .collect();
        runner.run(index, script, &env).await;
        ran.push(format!("run {script}"));
    }

    ran
}

#[tokio::test]
async fn the_example_workflow_runs_its_steps_and_leaves_a_report() {
    let workflow: Workflow =
        serde_norway::from_str(&std::fs::read_to_string(WORKFLOW).expect("the workflow file"))
            .expect("the workflow parses");

    // Scheduled, and also by hand; CHECK_SCHEDULE is the schedule's own cron, so hourly
    // runs are not read as gaps in the uptime.
    assert!(workflow.on.get("workflow_dispatch").is_some());
    let cron = workflow.on["schedule"][0]["cron"]
        .as_str()
        .expect("a cron schedule");
    assert_eq!(workflow.env["CHECK_SCHEDULE"], cron);
    let (_, job) = workflow.jobs.iter().next().expect("a job");
    assert_eq!(workflow.jobs.len(), 1);

    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app").stage("RUNTIME_ERROR"))
        .add_space(SpaceSpec::new("alice/fine"));
    let sink = WebhookSink::start().await;
    // The fakes' addresses and fast repairs as the runner's environment; the watch
    // list, the token and the webhook only as repository secrets.
    let app = App::new(&hub).settings(FAST_REPAIRS);
    let secrets: HashMap<&str, String> = HashMap::from([
        ("HF_TOKEN", "hf_alice".to_owned()),
        ("SPACES", "alice/app,alice/fine".to_owned()),
        ("ALERT_WEBHOOK_URL", sink.url()),
    ]);

    // The timeout is GLOBAL_TIMEOUT_SECONDS (a variable or a secret, else 30 minutes),
    // never a --timeout written into the step.
    assert_eq!(
        resolve(&workflow.env["GLOBAL_TIMEOUT_SECONDS"], &secrets),
        "1800"
    );
    let with_secret = HashMap::from([("GLOBAL_TIMEOUT_SECONDS", "600".to_owned())]);
    assert_eq!(
        resolve(&workflow.env["GLOBAL_TIMEOUT_SECONDS"], &with_secret),
        "600"
    );
    assert!(workflow.env["GLOBAL_TIMEOUT_SECONDS"].contains("vars.GLOBAL_TIMEOUT_SECONDS"));
    assert!(
        job.steps
            .iter()
            .filter_map(|step| step.run.as_deref())
            .all(|script| !script.contains("--timeout")),
        "a hard-coded --timeout"
    );

    let ran = run_steps(&app, &workflow.env, job, &secrets).await;
    let workspace = app.dir().join("workspace");

    // The order the issue asks for: binary, database, check and report, Pages, save.
    let position = |needle: &str| {
        ran.iter()
            .position(|step| step.contains(needle))
            .unwrap_or_else(|| panic!("no step {needle} in {ran:#?}"))
    };
    let order = [
        position("cargo install"),
        position("actions/cache/restore"),
        position("check --repair"),
        position("spacewarden report"),
        position("actions/deploy-pages"),
        position("actions/cache/save"),
    ];
    assert!(order.is_sorted(), "steps out of order: {ran:#?}");

    // It repaired through the fake Hub and alerted through the webhook.
    assert_eq!(hub.restarts("alice/app"), [false]);
    assert_eq!(
        sink.events(),
        [
            "down alice/app",
            "repairing alice/app",
            "recovered alice/app"
        ]
    );

    // A report on disk, ready for Pages.
    let site = workspace.join("site");
    let index = std::fs::read_to_string(site.join("index.html")).expect("site/index.html");
    assert!(index.contains("alice/app") && index.contains("alice/fine"));
    assert!(site.join("space/alice/app.html").exists());
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.join("data.json")).expect("site/data.json"),
    )
    .expect("data.json parses");
    assert_eq!(data["spaces"].as_array().map(Vec::len), Some(2));

    // The database file alone carries the history: copy just it, as a cache would.
    let db = workspace.join("state/spacewarden.db");
    let carried = app.dir().join("carried.db");
    std::fs::copy(&db, &carried).expect("state/spacewarden.db");
    let store = Store::connect(&format!("sqlite://{}", carried.display()))
        .await
        .unwrap();
    let actions = store
        .actions(&SpaceId::parse("alice/app").unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].result.as_deref(), Some("recovered"));
    assert!(
        !store
            .recent_checks("alice/app", 10)
            .await
            .unwrap()
            .is_empty(),
        "the checks are in the file"
    );
}

#[tokio::test]
async fn the_keep_alive_workflow_restarts_its_space_on_a_schedule() {
    let workflow: Workflow =
        serde_norway::from_str(&std::fs::read_to_string(KEEP_ALIVE).expect("the workflow file"))
            .expect("the workflow parses");
    assert_eq!(
        workflow.on["schedule"][0]["cron"].as_str(),
        Some("0 */6 * * *")
    );
    assert!(workflow.on.get("workflow_dispatch").is_some());
    let (_, job) = workflow.jobs.iter().next().expect("a job");
    assert_eq!(workflow.jobs.len(), 1);

    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app").stage("RUNTIME_ERROR"))
        .add_space(SpaceSpec::new("alice/fine"));
    let sink = WebhookSink::start().await;
    let app = App::new(&hub).settings(FAST_REPAIRS);
    // The keep-alive workflow's own secrets: REPO_ID and the token, no SPACES; the
    // timeout as a secret.
    let secrets: HashMap<&str, String> = HashMap::from([
        ("HF_TOKEN", "hf_alice".to_owned()),
        ("REPO_ID", "alice/app".to_owned()),
        ("GLOBAL_TIMEOUT_SECONDS", "120".to_owned()),
        ("ALERT_WEBHOOK_URL", sink.url()),
    ]);

    // A failing step fails the test: the restart exited 0 (the Space is back).
    let ran = run_steps(&app, &workflow.env, job, &secrets).await;
    assert!(
        ran.iter()
            .any(|step| step.contains("spacewarden restart \"$REPO_ID\"")),
        "{ran:#?}"
    );
    assert_eq!(hub.restarts("alice/app"), [false], "one restart of REPO_ID");
    assert!(hub.restarts("alice/fine").is_empty());
    // The restart and its end, though no check stored alice/app's state before it.
    assert_eq!(
        sink.events(),
        ["repairing alice/app", "recovered alice/app"]
    );
}
