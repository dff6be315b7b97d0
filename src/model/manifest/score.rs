//! An evaluation score: the number a rule compares and the text a reader
//! sees, kept as the manifest wrote it (`7.0` stays `7.0`, `0.50` stays
//! `0.50`), so pages, feeds and announcements never reformat a score.
//!
//! Part of the model layer.

use std::fmt;

/// Written numbers longer than this show in their shortest form instead,
/// so a hostile manifest cannot stretch a table cell with ten thousand
/// digits.
const LONGEST_SHOWN: usize = 24;

/// One evaluation: its value and its text as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The number, finite.
    pub value: f64,
    /// What readers see: the manifest's text, trimmed.
    text: Box<str>,
}

impl Score {
    /// A score read from `written`, a plain YAML scalar that parsed as `value`.
    pub fn written(value: f64, written: &str) -> Score {
        let written = written.trim();
        let text = if written.is_empty() || written.len() > LONGEST_SHOWN {
            shortest(value)
        } else {
            written.to_string()
        };
        Score {
            value,
            text: text.into_boxed_str(),
        }
    }

    /// A score with no text of its own (a test, a computed value): shown in
    /// the shortest form that reads back as the same number.
    pub fn of(value: f64) -> Score {
        Score {
            value,
            text: shortest(value).into_boxed_str(),
        }
    }

    /// The score as a reader sees it: as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Digits after the decimal point as written (`7.0` -> 1, `7.25` -> 2,
    /// `7` -> 0); for a number written with an exponent, of its shortest
    /// plain form. A change between two scores is shown to the larger.
    pub fn decimals(&self) -> usize {
        let plain = |s: &str| !s.contains(['e', 'E']);
        let text = if plain(&self.text) {
            self.text.to_string()
        } else {
            shortest(self.value)
        };
        if !plain(&text) {
            return 0;
        }
        text.split_once('.').map_or(0, |(_, f)| f.len())
    }
}

/// The shortest form of `v` that reads back the same (`7.23`, `12`, `0`).
pub fn shortest(v: f64) -> String {
    let s = format!("{v}");
    if s == "-0" { "0".into() } else { s }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// In the JSON API a score is a JSON number.
impl serde::Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_show_as_written() {
        assert_eq!(Score::written(7.0, "7.0").to_string(), "7.0");
        assert_eq!(Score::written(0.5, " 0.50 ").text(), "0.50");
        assert_eq!(Score::written(7.0, "7.0").decimals(), 1);
        assert_eq!(Score::written(7.0, "7").decimals(), 0);
        assert_eq!(Score::written(0.0075, "7.5e-3").decimals(), 4);
        assert_eq!(Score::written(1e20, "1e20").decimals(), 0);
        assert_eq!(Score::of(12.0).text(), "12");
        assert_eq!(Score::of(-0.0).text(), "0");
        assert_eq!(
            serde_json::to_string(&Score::written(7.0, "7.0")).unwrap(),
            "7.0"
        );
    }

    #[test]
    fn a_very_long_number_shows_in_its_shortest_form() {
        let long = format!("7.{}", "0".repeat(10_000));
        assert_eq!(Score::written(7.0, &long).text(), "7");
    }
}
