//! Versions: how a channel writes them ([`Versioning`]: semver or dated
//! builds) and one version parsed ([`Version`]), with the strict day
//! format both use. Shared by `cadence.toml` (a channel's versioning) and
//! the manifests (a release's version), below both.
//!
//! Part of the model layer.

use chrono::{DateTime, NaiveDate, NaiveTime};
use serde::Deserialize;

/// How a channel's versions are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Versioning {
    Date,
    Semver,
}

/// A parsed version: semver on semver channels, a dated build on date channels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    Date { date: NaiveDate, build: u32 },
    Semver(semver::Version),
}

impl Version {
    /// Parse `text` as a version of a channel with `versioning`; `None` if it
    /// is not one (a `version-format` finding).
    pub fn parse(text: &str, versioning: Versioning) -> Option<Version> {
        match versioning {
            Versioning::Date => {
                let (day, build) = match text.split_once('.') {
                    None => (text, 1),
                    Some((day, n)) => {
                        if n.is_empty()
                            || n.starts_with('0')
                            || !n.bytes().all(|b| b.is_ascii_digit())
                        {
                            return None;
                        }
                        let n: u32 = n.parse().ok()?;
                        if n < 2 {
                            return None;
                        }
                        (day, n)
                    }
                };
                Some(Version::Date {
                    date: parse_day(day)?,
                    build,
                })
            }
            Versioning::Semver => {
                let v = semver::Version::parse(text).ok()?;
                if !v.build.is_empty() {
                    return None;
                }
                if !v.pre.is_empty() {
                    rc_number(&v.pre)?;
                }
                Some(Version::Semver(v))
            }
        }
    }

    /// `N` of a `-rc.N` candidate.
    pub fn rc(&self) -> Option<u64> {
        match self {
            Version::Semver(v) if !v.pre.is_empty() => rc_number(&v.pre),
            _ => None,
        }
    }

    pub fn is_candidate(&self) -> bool {
        self.rc().is_some()
    }

    /// The final a candidate leads to (`1.1.0` for `1.1.0-rc.2`); itself for a final.
    pub fn final_version(&self) -> Version {
        match self {
            Version::Semver(v) => Version::Semver(semver::Version::new(v.major, v.minor, v.patch)),
            other => other.clone(),
        }
    }

    pub fn semver(&self) -> Option<&semver::Version> {
        match self {
            Version::Semver(v) => Some(v),
            _ => None,
        }
    }

    /// `(major, minor)` of a semver version.
    pub fn line(&self) -> Option<(u64, u64)> {
        self.semver().map(|v| (v.major, v.minor))
    }
}

fn rc_number(pre: &semver::Prerelease) -> Option<u64> {
    let n = pre.as_str().strip_prefix("rc.")?;
    if n.starts_with('0') || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// `YYYY-MM-DD`, strictly.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `YYYY-MM-DD` or an RFC 3339 date-time with offset, as a UTC day.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_day(text).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|d| d.naive_utc().date())
    })
}

/// The UTC time of day of an RFC 3339 date-time (`2024-09-16T23:30:00-02:00`
/// is `01:30:00` of 2024-09-17); `None` for a plain `YYYY-MM-DD`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|d| d.naive_utc().time())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        use Versioning::*;
        assert!(Version::parse("2024-09-12", Date).is_some());
        assert!(Version::parse("2024-09-12.2", Date).is_some());
        assert!(Version::parse("2024-09-12.1", Date).is_none());
        assert!(Version::parse("2024-09-12.02", Date).is_none());
        assert!(Version::parse("2024-9-12", Date).is_none());
        assert!(Version::parse("1.1.0", Semver).is_some());
        assert_eq!(Version::parse("1.1.0-rc.2", Semver).unwrap().rc(), Some(2));
        assert!(Version::parse("1.1.0-beta.1", Semver).is_none());
        assert!(Version::parse("1.1.0+b1", Semver).is_none());
        assert!(Version::parse("1.10", Semver).is_none());
        assert!(Version::parse("v1.1.0", Semver).is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2024-09-16T23:30:00-02:00"),
            NaiveDate::from_ymd_opt(2024, 9, 17)
        );
        assert!(parse_date("2024-02-30").is_none());
        assert_eq!(
            parse_time("2024-09-16T23:30:00-02:00"),
            NaiveTime::from_hms_opt(1, 30, 0)
        );
        assert_eq!(parse_time("2024-09-16"), None);
        assert!(parse_date("16/09/2024").is_none());
    }
}
