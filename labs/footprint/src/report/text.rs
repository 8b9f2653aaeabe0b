//! How figures read in the table and the charts: bytes with thousands
//! separators, ratios with as many digits as they need, durations in minutes.

pub(crate) fn ratio_text(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}x")
    } else if ratio >= 0.095 {
        format!("{ratio:.2}x")
    } else {
        format!("{ratio:.4}x")
    }
}

/// "4 min 05 s", or "52 s" under a minute.
pub(crate) fn duration_text(secs: f64) -> String {
    let secs = secs.round() as u64;
    if secs >= 60 {
        format!("{} min {:02} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

/// "10,000".
pub(crate) fn count_text(n: usize) -> String {
    bytes_text(n as u64).trim_end_matches(" B").to_string()
}

/// "690,920 B".
pub(crate) fn bytes_text(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + " B"
}

/// A metric's value with its unit, as the charts label their bars.
pub(crate) fn value_text(value: f64, unit: &str) -> String {
    match unit {
        "B" => bytes_text(value as u64),
        "kB" => format!("{value:.0} kB"),
        _ if value >= 100.0 => format!("{value:.0} {unit}"),
        _ => format!("{value:.2} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_minutes_and_seconds() {
        assert_eq!(duration_text(52.4), "52 s");
        assert_eq!(duration_text(245.0), "4 min 05 s");
    }

    #[test]
    fn bytes_get_thousands_separators() {
        assert_eq!(bytes_text(690_920), "690,920 B");
        assert_eq!(bytes_text(1_576), "1,576 B");
        assert_eq!(bytes_text(12), "12 B");
        assert_eq!(count_text(10_000), "10,000");
    }
}
