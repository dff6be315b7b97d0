//! A schedule's step, `every = "3 months"` in `cadence.toml`: reading it
//! and stepping a date by it. Month steps are taken from the start and
//! clamp to the month's last day (a start of Jan 31 gives Feb 29, Mar 31,
//! ...). Below both the config that holds it and the slot arithmetic of
//! `schedule` that steps by it.
//!
//! Part of the model layer.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Weeks,
    Months,
}

/// A schedule step: `3 months`, `2 weeks`, `10 days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Every {
    pub n: u32,
    pub unit: Unit,
}

impl Every {
    pub fn parse(text: &str) -> Result<Every, String> {
        let bad = || {
            format!(
                "`every = \"{text}\"` must be \"N months\", \"N weeks\" or \"N days\" with N >= 1"
            )
        };
        let mut parts = text.split_whitespace();
        let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let n: u32 = n.parse().map_err(|_| bad())?;
        if n == 0 || n > 1200 {
            return Err(bad());
        }
        let unit = match unit {
            "month" | "months" => Unit::Months,
            "week" | "weeks" => Unit::Weeks,
            "day" | "days" => Unit::Days,
            _ => return Err(bad()),
        };
        Ok(Every { n, unit })
    }

    /// The `k`-th step from `start`.
    pub fn nth(&self, start: NaiveDate, k: u32) -> Option<NaiveDate> {
        let steps = self.n.checked_mul(k)?;
        match self.unit {
            Unit::Days => start.checked_add_signed(Duration::days(steps as i64)),
            Unit::Weeks => start.checked_add_signed(Duration::weeks(steps as i64)),
            Unit::Months => {
                let total = start.month0() as i64 + steps as i64;
                let year = start.year() as i64 + total.div_euclid(12);
                let month = total.rem_euclid(12) as u32 + 1;
                let year = i32::try_from(year).ok()?;
                let day = start.day().min(days_in_month(year, month));
                NaiveDate::from_ymd_opt(year, month, day)
            }
        }
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Days => "day",
            Unit::Weeks => "week",
            Unit::Months => "month",
        };
        write!(f, "{} {unit}{}", self.n, if self.n == 1 { "" } else { "s" })
    }
}

/// A date's last day of month, for month arithmetic.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_parses() {
        assert_eq!(
            Every::parse("3 months").unwrap(),
            Every {
                n: 3,
                unit: Unit::Months
            }
        );
        assert_eq!(
            Every::parse("1 week").unwrap(),
            Every {
                n: 1,
                unit: Unit::Weeks
            }
        );
        assert!(Every::parse("0 days").is_err());
        assert!(Every::parse("3 fortnights").is_err());
        assert!(Every::parse("months").is_err());
    }

    #[test]
    fn month_steps_clamp_from_start() {
        let e = Every::parse("1 month").unwrap();
        let start = d("2024-01-31");
        let got: Vec<_> = (0..4).map(|k| e.nth(start, k).unwrap()).collect();
        assert_eq!(
            got,
            [
                d("2024-01-31"),
                d("2024-02-29"),
                d("2024-03-31"),
                d("2024-04-30")
            ]
        );
        let q = Every::parse("3 months").unwrap();
        assert_eq!(q.nth(d("2024-11-30"), 1).unwrap(), d("2025-02-28"));
    }
}
