//! Tests of the page contexts' helpers.

use super::*;

#[test]
fn webcal_links() {
    assert_eq!(
        webcal("https://x.org/lab/calendar.ics"),
        "webcal://x.org/lab/calendar.ics"
    );
}
