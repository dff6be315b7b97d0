//! Tests of the page contexts' helpers.

use super::*;

#[test]
fn sizes_read_like_the_hub() {
    assert_eq!(human_size(900), "900 B");
    assert_eq!(human_size(4_080_218_931), "4.08 GB");
    assert_eq!(human_size(14_483_498_016), "14.5 GB");
    assert_eq!(human_size(512_000_000), "512 MB");
}

#[test]
fn deltas_keep_the_written_precision() {
    assert_eq!(delta(7.4, 7.23), ("+0.17".to_string(), "up"));
    assert_eq!(delta(0.52, 0.525), ("−0.005".to_string(), "down"));
    assert_eq!(delta(7.0, 7.0), ("±0".to_string(), "same"));
}

#[test]
fn webcal_links() {
    assert_eq!(
        webcal("https://x.org/lab/calendar.ics"),
        "webcal://x.org/lab/calendar.ics"
    );
}
