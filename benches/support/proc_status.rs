//! A field of `/proc/PID/status` in KiB (`VmRSS:`, `VmHWM:`): how the benches read a
//! child's resident memory.

/// The value of `field` (with its colon) for `pid`, in KiB; `None` when the process or
/// the field is gone.
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
