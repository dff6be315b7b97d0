//! RFC 5322 messages for `cadence announce --eml`: headers folded at 78
//! columns, non-ASCII header text as RFC 2047 encoded-words, CRLF line
//! endings, a UTF-8 plain-text body sent as 8bit.
//!
//! Part of the commands layer.

use chrono::NaiveDate;

/// A plain-text mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub from: String,
    pub to: String,
    pub subject: String,
    /// Sent at 00:00 UTC of this day, so the same input gives the same file.
    pub date: NaiveDate,
    /// Without angle brackets: `release.m.c.1.1.0@releases.example.org`.
    pub message_id: String,
    pub body: String,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `text` as RFC 2047 `B` encoded-words of at most 75 characters each,
/// split between characters, joined by folding white space.
fn encoded_words(text: &str) -> Vec<String> {
    // At most 39 bytes a word: 52 base64 characters, 64 with the markers,
    // so that even `Subject: ` and the first word stay within 78 columns.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 39 {
            words.push(format!("=?utf-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?utf-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words
}

/// One header, folded so that no line passes 78 characters where a space
/// allows it (RFC 5322 2.2.3), with non-ASCII text encoded (RFC 2047).
fn header(name: &str, value: &str, encode: bool) -> String {
    let words: Vec<String> = if encode && !value.is_ascii() {
        encoded_words(value)
    } else {
        value.split(' ').map(str::to_string).collect()
    };
    let mut out = format!("{name}:");
    let mut line_len = out.len();
    for (i, word) in words.iter().enumerate() {
        if i > 0 && line_len + 1 + word.len() > 78 {
            out.push_str("\r\n");
            line_len = 0;
        }
        out.push(' ');
        out.push_str(word);
        line_len += 1 + word.len();
    }
    out.push_str("\r\n");
    out
}

/// A mailbox list from `cadence.toml` with non-ASCII display names encoded:
/// `Équipe <a@example.org>` becomes `=?utf-8?B?...?= <a@example.org>`.
fn mailboxes(list: &str) -> String {
    list.split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| {
            if m.is_ascii() {
                return m.to_string();
            }
            match m.rfind('<') {
                Some(i) if m.ends_with('>') => {
                    let name = m[..i].trim().trim_matches('"');
                    format!("{} {}", encoded_words(name).join(" "), &m[i..])
                }
                _ => m.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Message {
    /// The message as the bytes of an `.eml` file.
    pub fn to_eml(&self) -> String {
        let date = self
            .date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .to_rfc2822();
        let mut out = String::new();
        out.push_str(&header("From", &mailboxes(&self.from), false));
        out.push_str(&header("To", &mailboxes(&self.to), false));
        out.push_str(&header("Subject", &self.subject, true));
        out.push_str(&header("Date", &date, false));
        out.push_str(&format!("Message-ID: <{}>\r\n", self.message_id));
        out.push_str("MIME-Version: 1.0\r\n");
        out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
        out.push_str("Content-Transfer-Encoding: 8bit\r\n");
        out.push_str("\r\n");
        for line in self.body.trim_end_matches('\n').split('\n') {
            out.push_str(line.trim_end_matches('\r'));
            out.push_str("\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn ascii_subjects_fold_and_others_encode() {
        let long = "[ANN] ".to_string() + &"word ".repeat(30);
        let h = header("Subject", long.trim(), true);
        assert!(h.lines().all(|l| l.len() <= 78), "{h}");
        assert!(h.contains("\r\n word"));
        let h = header("Subject", "[ANN] Modèle 1.0 publié", true);
        assert_eq!(
            h,
            "Subject: =?utf-8?B?W0FOTl0gTW9kw6hsZSAxLjAgcHVibGnDqQ==?=\r\n"
        );
        let long = "é".repeat(60);
        let h = header("Subject", &long, true);
        assert!(h.lines().all(|l| l.len() <= 78), "{h}");
    }

    #[test]
    fn message_has_crlf_and_headers() {
        let m = Message {
            from: "Équipe <team@example.org>".into(),
            to: "announce@example.org".into(),
            subject: "[ANN] M 1.0.0 released".into(),
            date: NaiveDate::from_ymd_opt(2024, 9, 16).unwrap(),
            message_id: "release.m.versioned.1.0.0@example.org".into(),
            body: "Hello\nworld\n".into(),
        };
        let eml = m.to_eml();
        assert!(eml.starts_with("From: =?utf-8?B?w4lxdWlwZQ==?= <team@example.org>\r\n"));
        assert!(eml.contains("Date: Mon, 16 Sep 2024 00:00:00 +0000\r\n"));
        assert!(eml.contains("Message-ID: <release.m.versioned.1.0.0@example.org>\r\n"));
        assert!(eml.ends_with("\r\n\r\nHello\r\nworld\r\n"));
        assert!(!eml.replace("\r\n", "").contains('\n'));
    }
}
