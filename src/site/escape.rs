//! HTML and XML escaping, for tera's autoescape and for every writer
//! that puts text into markup (charts, feeds, listings): the five special
//! characters replaced, and the characters no file carries
//! ([`super::refused`]) dropped. Low in the site layer, so that a writer
//! needs neither the theme nor tera to escape.

/// Autoescaping for HTML and XML: tera's default also writes `/` as
/// `&#x2F;`, which makes every URL and command in a page unreadable in its
/// source and is not needed in text or quoted attributes.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    escape_into(&mut out, input);
    out
}

/// The five bytes [`escape`] replaces, as bits of a `u64` (all are below
/// 64: `"` 0x22, `&` 0x26, `'` 0x27, `<` 0x3C, `>` 0x3E).
const SPECIAL: u64 = 1 << b'"' | 1 << b'&' | 1 << b'\'' | 1 << b'<' | 1 << b'>';

/// Whether byte `b` needs a look: one of the five, or a byte that may
/// start a character no page may carry ([`super::refused`]).
fn attention(b: u8) -> bool {
    (b < 64 && SPECIAL >> b & 1 == 1) || super::refused::may_start_const(b)
}

/// The offset of the first byte in `bytes` that needs a look: eight bytes
/// at a time (a byte equal to `c` is a zero byte of `w ^ c…c`; a byte
/// below 0x20 sets its high bit in `w - 0x20…20` and not in `w`; the
/// lowest flagged byte is the first, whatever the borrows flag above it),
/// then one by one. Runs of printable ASCII are skipped whole; any byte
/// from 0x7F up is looked at (most are then passed over).
fn find_attention(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_of = |w: u64, c: u8| {
        let x = w ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let hits = zero_of(w, b'&')
            | zero_of(w, b'<')
            | zero_of(w, b'>')
            | zero_of(w, b'"')
            | zero_of(w, b'\'')
            | zero_of(w, 0x7F)
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS)
            | (w & HIGHS);
        if hits != 0 {
            let first = at + (hits.trailing_zeros() / 8) as usize;
            if let Some(k) = bytes[first..at + 8].iter().position(|&b| attention(b)) {
                return Some(first + k);
            }
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| attention(b))
        .map(|k| at + k)
}

/// The length of the UTF-8 character whose first byte is `lead`.
fn char_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// [`escape`], appending to `out`; characters no page may carry
/// ([`super::refused`]) are dropped. Tera calls it for every value a page
/// prints: runs of printable ASCII are found eight bytes at a time and
/// copied whole.
pub fn escape_into(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    // `start`: the first byte not yet copied; `pos`: where the scan goes
    // on. Both are always on a character boundary: a scan from a boundary
    // stops first at an ASCII byte or a lead byte.
    let mut start = 0;
    let mut pos = 0;
    while let Some(off) = find_attention(&bytes[pos..]) {
        let i = pos + off;
        let (rep, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b => match super::refused::refused_at(input, i) {
                Some(len) => ("", len),
                None => {
                    pos = i + char_len(b);
                    continue;
                }
            },
        };
        out.push_str(&input[start..i]);
        out.push_str(rep);
        pos = i + len;
        start = pos;
    }
    out.push_str(&input[start..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_the_five_and_nothing_else() {
        assert_eq!(
            super::escape(r#"a & <b> "c" 'd' /e/ é€"#),
            "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39; /e/ é€"
        );
        assert_eq!(super::escape(""), "");
        assert_eq!(super::escape("plain"), "plain");
        assert_eq!(
            super::escape("a\u{1}b\u{1b}[0m\u{85}c\u{fffe}d\te\n"),
            "ab[0mcd\te\n",
            "characters a page may not carry are dropped"
        );
        assert_eq!(super::escape("<<&>>"), "&lt;&lt;&amp;&gt;&gt;");
        // At every offset of an eight-byte run, after other specials,
        // beside multi-byte characters.
        for n in 0..20 {
            let text = format!("{}<é{}\"&", "a".repeat(n), "b".repeat(n % 9));
            let want = format!("{}&lt;é{}&quot;&amp;", "a".repeat(n), "b".repeat(n % 9));
            assert_eq!(super::escape(&text), want);
        }
        // Against the plain definition, on many mixed strings.
        let naive = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        let alphabet = [
            'a',
            '&',
            '<',
            '>',
            '"',
            '\'',
            'é',
            '€',
            '/',
            ' ',
            '\u{1F600}',
        ];
        let mut seed: u64 = 7;
        for _ in 0..5000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 58) as usize;
            let text: String = (0..len)
                .map(|k| alphabet[((seed >> (k % 50)) as usize + k) % alphabet.len()])
                .collect();
            assert_eq!(super::escape(&text), naive(&text), "{text:?}");
        }
        // Every byte: the five are replaced, refused controls dropped,
        // every other byte kept.
        for b in 0..=127u8 {
            let c = char::from(b).to_string();
            let e = super::escape(&c);
            if "&<>\"'".contains(b as char) {
                assert_ne!(e, c, "{b}");
            } else if crate::site::refused::refused(char::from(b)) {
                assert_eq!(e, "", "{b}");
            } else {
                assert_eq!(e, c, "{b}");
            }
        }
        // Refused characters among long runs, at every offset.
        for n in 0..20 {
            let text = format!(
                "{}\u{1}é{}\u{85}<\u{fffe}x",
                "a".repeat(n),
                "b".repeat(n % 9)
            );
            let want = format!("{}é{}&lt;x", "a".repeat(n), "b".repeat(n % 9));
            assert_eq!(super::escape(&text), want);
        }
    }
}
