//! How the site writes sizes and scores, one implementation for every
//! writer (pages, feeds, the chart, calendars and announcements):
//!
//! - sizes in decimal SI units, as the Hugging Face Hub shows a file
//!   (`4.08 GB` is 4,080,218,931 bytes), with the exact byte count for a
//!   `title`;
//! - scores as the manifest wrote them ([`Score`]), and the change between
//!   two scores to the precision they were written with (`+0.17`, `−0.02`,
//!   `±0`).
//!
//! Part of the site layer.

use crate::model::manifest::Score;
pub use crate::model::manifest::shortest_number as shortest;

/// A byte count as people read it, in decimal units as the Hugging Face
/// Hub shows files: `4.08 GB`, `512 MB`, `12.5 kB`, `900 B`; three
/// significant digits from a kilobyte up.
pub fn size(bytes: i64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = bytes.unsigned_abs() as f64;
    let mut u = 0;
    while v >= 999.5 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    let sign = if bytes < 0 { "−" } else { "" };
    if u == 0 {
        format!("{sign}{} B", bytes.unsigned_abs())
    } else if v < 9.995 {
        format!("{sign}{v:.2} {}", UNITS[u])
    } else if v < 99.95 {
        format!("{sign}{v:.1} {}", UNITS[u])
    } else {
        format!("{sign}{v:.0} {}", UNITS[u])
    }
}

/// The exact byte count with thousands separators, for a `title`:
/// `4,080,218,931 bytes`.
pub fn size_exact(bytes: i64) -> String {
    let digits = bytes.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 8);
    if bytes < 0 {
        out.push('−');
    }
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(if bytes.unsigned_abs() == 1 {
        " byte"
    } else {
        " bytes"
    });
    out
}

/// Which way a score moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Same,
}

impl Trend {
    /// The page's class suffix: `up`, `down`, `same`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Same => "same",
        }
    }
}

/// The change from `before` to `now`, rounded to the precision they were
/// written with (at most six places): (`+0.17`, `Up`), (`−0.02`, `Down`),
/// (`±0`, `Same`).
pub fn change(now: &Score, before: &Score) -> (String, Trend) {
    let places = now.decimals().max(before.decimals()).min(6);
    let d = now.value - before.value;
    let zero = format!("{:.places$}", 0.0);
    let text = format!("{:.places$}", d.abs());
    if text == zero {
        ("±0".into(), Trend::Same)
    } else if d > 0.0 {
        (format!("+{text}"), Trend::Up)
    } else {
        (format!("−{text}"), Trend::Down)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_one_unit_system() {
        assert_eq!(size(4_080_218_931), "4.08 GB");
        assert_eq!(size(512), "512 B");
        assert_eq!(size(999), "999 B");
        assert_eq!(size(999_999), "1.00 MB");
        assert_eq!(size(12_500), "12.5 kB");
        assert_eq!(size(512_000_000), "512 MB");
        assert_eq!(size(i64::MAX), "9.22 EB");
        assert_eq!(size(i64::MIN), "−9.22 EB");
        assert_eq!(size_exact(4_080_218_931), "4,080,218,931 bytes");
        assert_eq!(size_exact(1), "1 byte");
        assert_eq!(size_exact(100), "100 bytes");
        assert_eq!(size_exact(i64::MIN), "−9,223,372,036,854,775,808 bytes");
    }

    #[test]
    fn changes_keep_the_precision_written() {
        let s = |t: &str| Score::written(t.parse().unwrap(), t);
        assert_eq!(change(&s("7.23"), &s("7.12")), ("+0.11".into(), Trend::Up));
        assert_eq!(change(&s("0.5"), &s("0.52")), ("−0.02".into(), Trend::Down));
        assert_eq!(change(&s("7.0"), &s("7.0")), ("±0".into(), Trend::Same));
        assert_eq!(change(&s("8.0"), &s("7")), ("+1.0".into(), Trend::Up));
        let big = Score::of(1e15);
        assert_eq!(change(&big, &Score::of(-1e15)).1, Trend::Up);
    }
}
