//! `TELEMUX_STATS=1`: at exit, print what the process read and wrote and its peak memory, from
//! the kernel's own counters, so benchmarks can show that telemux reads only what it needs.

/// Prints the counters to stderr when `TELEMUX_STATS=1`.
pub fn report_if_asked() {
    if std::env::var_os("TELEMUX_STATS").is_none_or(|v| v != "1") {
        return;
    }
    let field = |file: &str, key: &str| -> Option<u64> {
        let text = std::fs::read_to_string(file).ok()?;
        let line = text.lines().find(|l| l.starts_with(key))?;
        line[key.len()..]
            .trim()
            .trim_end_matches(" kB")
            .trim()
            .parse()
            .ok()
    };
    let (read, written) = (
        field("/proc/self/io", "rchar:"),
        field("/proc/self/io", "wchar:"),
    );
    let peak_kib = field("/proc/self/status", "VmHWM:");
    eprintln!(
        "telemux: stats: read {} bytes, wrote {} bytes, peak RSS {} KiB",
        read.map_or("?".into(), |v| v.to_string()),
        written.map_or("?".into(), |v| v.to_string()),
        peak_kib.map_or("?".into(), |v| v.to_string()),
    );
}
