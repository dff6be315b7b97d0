//! Characters no file of the site carries: C0 controls but tab, line feed
//! and carriage return, DEL, the C1 controls, and Unicode noncharacters
//! (U+FDD0..U+FDEF and the last two code points of every plane, U+FFFE).
//!
//! XML 1.0 refuses the C0 controls and U+FFFE/U+FFFF (a feed with one is
//! not well-formed, and readers drop it); the HTML standard makes every one
//! of them a parse error (the Nu checker reports them); RFC 5545 allows no
//! control in a value. `check` reports them in manifests (SPEC 5); each
//! writer still drops them where text enters it (HTML escaping, markdown,
//! feeds, calendars), so that nothing that slips past a rule makes a file
//! its reader refuses. JSON needs none of this: serde_json escapes every
//! control, and a JSON string may hold a noncharacter.
//!
//! Part of the site layer.

use std::borrow::Cow;

/// Whether `c` is dropped from every output.
pub fn refused(c: char) -> bool {
    let n = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

/// Whether a refused character can start with byte `b` (the C0 controls
/// and DEL, and the lead bytes of the C1 controls and noncharacters).
#[inline]
pub fn may_start(b: u8) -> bool {
    MAY_START[b as usize]
}

/// [`may_start`], for tables built at compile time.
pub const fn may_start_const(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F | 0xC2 | 0xEF | 0xF0..=0xF4)
}

/// [`may_start`] as a table: one load a byte in the escaping loops.
static MAY_START: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = may_start_const(b as u8);
        b += 1;
    }
    t
};

/// The length in bytes of the refused character that starts at byte `i`
/// of `s`, if one does. Cheap on the bytes that cannot start one (every
/// printable ASCII byte and most lead bytes), for the escaping loops.
pub fn refused_at(s: &str, i: usize) -> Option<usize> {
    match s.as_bytes()[i] {
        0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F => Some(1),
        // C1 controls are U+0080..U+009F (0xC2 0x80..0x9F); the
        // noncharacters start with 0xEF (the BMP) or 0xF0..0xF4.
        0xC2 | 0xEF | 0xF0..=0xF4 => s[i..]
            .chars()
            .next()
            .filter(|&c| refused(c))
            .map(char::len_utf8),
        _ => None,
    }
}

/// `text` without its refused characters (borrowed when it has none).
pub fn drop_refused(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut from = 0;
    let clean = loop {
        match bytes[from..].iter().position(|&b| may_start(b)) {
            None => break true,
            Some(p) if refused_at(text, from + p).is_some() => break false,
            Some(p) => from += p + 1,
        }
    };
    if clean {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| !refused(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_noncharacters_are_refused_whitespace_is_not() {
        for c in [
            '\0', '\u{1}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}',
        ] {
            assert!(refused(c), "{c:?}");
        }
        for c in [
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            assert!(refused(c), "{c:?}");
        }
        for c in [
            '\t', '\n', '\r', ' ', 'a', '\u{a0}', 'é', '\u{fdcf}', '\u{fffd}', '🚀',
        ] {
            assert!(!refused(c), "{c:?}");
        }
    }

    #[test]
    fn refused_at_agrees_with_refused_on_every_code_point() {
        let mut s = String::new();
        for n in (0..0x1_0000)
            .chain(0x1_FFF0..0x2_0010)
            .chain(0x10_FFF0..0x11_0000)
        {
            if let Some(c) = char::from_u32(n) {
                s.clear();
                s.push(c);
                assert_eq!(refused_at(&s, 0).is_some(), refused(c), "{c:?}");
            }
        }
    }

    #[test]
    fn drop_refused_keeps_the_rest() {
        assert_eq!(
            drop_refused("a\u{1}b\u{fffe}c\u{85}d\te\r\n"),
            "abcd\te\r\n"
        );
        assert!(matches!(drop_refused("plain é"), Cow::Borrowed(_)));
    }
}
