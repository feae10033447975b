//! The built-in cause table, as data: one row per pattern (code, regular
//! expression, one-line summary) and, per code, the default summary and advice.
//! Rows are tried in order, so the narrow platform messages come before the broad
//! ones and the bare exit code comes last. Every row has a unit test built from a
//! real log line (`tests.rs` says where each line was published).

use super::CauseCode;
use CauseCode::*;

/// `(code, pattern, summary)`; `{1}` in a summary is the pattern's first group.
pub const BUILTIN: &[(CauseCode, &str, &str)] = &[
    // Hugging Face's side first: these messages are the platform's own verdict.
    (
        RegistryAuth,
        r"failed to (?:push|authorize)\b.*401 Unauthorized",
        "Hugging Face's image registry refused the build (401 Unauthorized)",
    ),
    (
        SchedulingFailure,
        r"Scheduling failure: ([^.]+)",
        "Hugging Face could not schedule the Space ({1})",
    ),
    (
        GpuQuota,
        r"exceeded your GPU quota",
        "the ZeroGPU quota is used up",
    ),
    (
        DiskFull,
        r"No space left on device",
        "the disk is full (no space left on device)",
    ),
    (
        DiskFull,
        r"storage limit (?:exceeded|reached) \(([^)]+)\)",
        "the Space used more storage than its limit ({1})",
    ),
    (
        OutOfMemory,
        r"Memory limit exceeded \(([^)]+)\)",
        "the Space ran out of memory ({1})",
    ),
    (
        OutOfMemory,
        r"(?i)exit(?:ed with)? code:? 137\b",
        "the process was killed for using too much memory (exit code 137)",
    ),
    (
        OutOfMemory,
        r"(?:^|\s)Killed(?:\s|$)",
        "the process was killed (out of memory)",
    ),
    (
        PortNotListening,
        r"Launch timed out",
        "the app never became healthy: nothing answered on its port in time",
    ),
    // The app's own failures.
    (
        GatedOrMissingModel,
        r"Access to model (\S+) is restricted",
        "the Hub refused the gated model {1}",
    ),
    (
        GatedOrMissingModel,
        r"Cannot access gated repo",
        "the Hub refused a gated model",
    ),
    (
        GatedOrMissingModel,
        r"(?:GatedRepoError|RepositoryNotFoundError): (40[134]) Client Error",
        "the Hub refused a model download ({1})",
    ),
    (
        GatedOrMissingModel,
        r"Repository Not Found for url",
        "a model the app downloads does not exist or is private",
    ),
    (
        GatedOrMissingModel,
        r"is not a local folder and is not a valid model identifier",
        "a model the app loads does not exist on the Hub",
    ),
    (
        SyntaxError,
        r"\b(SyntaxError|IndentationError|TabError): ",
        "the code does not parse ({1})",
    ),
    (
        MissingModule,
        r"ModuleNotFoundError: No module named '?([^'\s]+)",
        "the module {1} is not installed",
    ),
    (MissingModule, r"\bImportError: ", "a Python import failed"),
    (
        DependencyInstallFailed,
        r"ERROR: ResolutionImpossible",
        "pip could not resolve the requirements (conflicting versions)",
    ),
    (
        DependencyInstallFailed,
        r"ERROR: Could not find a version that satisfies the requirement (\S+)",
        "pip found no version of {1}",
    ),
    (
        DependencyInstallFailed,
        r"ERROR: No matching distribution found for (\S+)",
        "pip found no distribution of {1}",
    ),
    (
        DependencyInstallFailed,
        r"requires a different Python: ",
        "a requirement does not support the Space's Python version",
    ),
    (
        DependencyInstallFailed,
        r"npm (?:ERR!|error) code (\S+)",
        "npm could not install the dependencies ({1})",
    ),
    (
        DependencyInstallFailed,
        r#"ERROR: process "[^"]*\b(pip|npm|yarn|apt-get|conda|uv)\b[^"]*" did not complete successfully"#,
        "installing the dependencies failed ({1})",
    ),
    // Last: only an exit code is known.
    (
        ExitCode,
        r"(?i)\bexit code:? (\d+)",
        "the app exited with code {1}",
    ),
];

/// The summary of a code when no pattern gave one.
pub fn default_summary(code: CauseCode) -> &'static str {
    match code {
        MissingModule => "a Python module the app imports is not installed",
        DependencyInstallFailed => "installing the dependencies failed",
        SyntaxError => "the code does not parse",
        OutOfMemory => "the Space ran out of memory",
        PortNotListening => "the app never answered on its port",
        GatedOrMissingModel => "the Hub refused a model download (gated, private or missing)",
        RegistryAuth => "Hugging Face's image registry refused the build",
        SchedulingFailure => "Hugging Face could not schedule the Space",
        GpuQuota => "the ZeroGPU quota is used up",
        DiskFull => "the disk is full",
        ExitCode => "the app exited with an error",
        Unknown => "no known failure pattern matched",
    }
}

/// What the owner should do, per code (overridable in `[causes.advice]`).
pub fn default_advice(code: CauseCode) -> &'static str {
    match code {
        MissingModule => {
            "add the package to requirements.txt (or fix the import) and push: a restart runs the same image"
        }
        DependencyInstallFailed => {
            "pin versions that install together (requirements.txt, package.json, packages.txt) and push"
        }
        SyntaxError => "needs a code fix: correct the line in the traceback and push",
        OutOfMemory => {
            "use less memory (a smaller model, lazy loading) or move the Space to bigger hardware"
        }
        PortNotListening => {
            "listen on 0.0.0.0 and the port in app_port (7860 by default), and start within the startup timeout"
        }
        GatedOrMissingModel => {
            "accept the model's terms and give the Space an HF_TOKEN secret that can read it, or fix the model id"
        }
        RegistryAuth | SchedulingFailure => {
            "Hugging Face's side: nothing to fix in the Space; spacewarden retries later within its caps"
        }
        GpuQuota => "wait for the ZeroGPU quota to refill, or move the Space to dedicated hardware",
        DiskFull => "free space: keep caches in /data, download less at startup, or add storage",
        ExitCode => "the app crashed: read the last lines of its run log (/logs)",
        Unknown => "read the Space's logs (/logs)",
    }
}
