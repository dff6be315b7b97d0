//! `[channels.<c>.support]` of `cadence.toml` (SPEC 10): how long an older
//! major line of a semver channel is supported after the next line's first
//! released final. Unknown keys and wrong types are `config` findings from
//! the TOML reader (with a suggestion); the checks here are the values'.
//!
//! Part of the model layer.

use serde::Deserialize;

use super::{Versioning, line_of};
use crate::model::yaml::Pos;

/// The support policy of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportRule {
    /// An older line is supported this many months after the next line's
    /// first released final (month steps clamp to the month's last day).
    pub months: u32,
}

/// The longest policy, in months: a century.
pub const MAX_SUPPORT_MONTHS: u32 = 1200;

/// The table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSupport {
    months: i64,
}

/// The channel's policy, or `None` with a finding through `err` when the
/// table is wrong for the channel.
pub(super) fn rule(
    text: &str,
    channel: &str,
    raw: Option<RawSupport>,
    versioning: Versioning,
    err: &mut dyn FnMut(Option<Pos>, String),
) -> Option<SupportRule> {
    let raw = raw?;
    let here = line_of(
        text,
        &[
            &format!("[channels.{channel}.support]"),
            &format!("channels.{channel}.support"),
            &format!("[channels.{channel}]"),
        ],
    );
    // The `months` line of this table: the first after its header.
    let at_months = here.and_then(|h| {
        text.lines()
            .enumerate()
            .skip(h.line)
            .find(|(_, l)| l.trim_start().starts_with("months"))
            .map(|(n, l)| Pos::new(n + 1, l.len() - l.trim_start().len() + 1))
    });
    if versioning != Versioning::Semver {
        err(
            here,
            format!(
                "channel `{channel}` has `versioning = \"date\"`; a support policy is only for semver channels, whose releases fall into major lines"
            ),
        );
        return None;
    }
    match u32::try_from(raw.months) {
        Ok(months) if months <= MAX_SUPPORT_MONTHS => Some(SupportRule { months }),
        _ => {
            err(
                at_months.or(here),
                format!(
                    "support of `{channel}`: months must be a whole number from 0 to {MAX_SUPPORT_MONTHS}, not {}",
                    raw.months
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::config::parse;

    const SITE: &str = r#"
title = "T"
base_url = "https://x.org/"
[channels.stream]
versioning = "date"
tag = "release-{compact}"
[channels.versioned]
versioning = "semver"
tag = "v{version}"
[channels.versioned.support]
months = 6
[models.m]
[models.m.repos]
stream = "o/m-stream"
versioned = "o/m"
"#;

    #[test]
    fn reads_the_months() {
        let c = parse(SITE).unwrap();
        assert_eq!(c.channels["versioned"].support.unwrap().months, 6);
        assert_eq!(c.channels["stream"].support, None);
    }

    #[test]
    fn unknown_keys_suggest_the_known_one() {
        let f = &parse(&SITE.replace("months = 6", "monhts = 6")).unwrap_err()[0];
        assert_eq!(f.code, "config");
        assert!(f.message.contains("monhts"), "{}", f.message);
        assert_eq!(f.help.as_deref(), Some("did you mean `months`?"));
        assert_eq!(f.line, Some(11));
        let f = &parse(&SITE.replace(".support]", ".suport]")).unwrap_err()[0];
        assert_eq!(f.help.as_deref(), Some("did you mean `support`?"));
    }

    #[test]
    fn bad_values_are_config_findings_on_their_line() {
        for bad in ["-1", "1201", "99999999999999"] {
            let f = &parse(&SITE.replace("months = 6", &format!("months = {bad}"))).unwrap_err();
            assert_eq!(f.len(), 1, "{f:?}");
            assert!(f[0].message.contains("from 0 to 1200"), "{}", f[0].message);
            assert_eq!(f[0].line, Some(11), "{bad}");
        }
        for bad in ["\"6\"", "6.5", "true"] {
            let f = &parse(&SITE.replace("months = 6", &format!("months = {bad}"))).unwrap_err();
            assert_eq!(f[0].code, "config");
            assert_eq!(f[0].line, Some(11), "{bad}: {f:?}");
        }
        let f = &parse(&SITE.replace("months = 6", "")).unwrap_err()[0];
        assert!(f.message.contains("months"), "{}", f.message);
    }

    #[test]
    fn only_semver_channels_have_a_policy() {
        let text = SITE.replace(
            "tag = \"release-{compact}\"",
            "tag = \"release-{compact}\"\n[channels.stream.support]\nmonths = 3",
        );
        let f = &parse(&text).unwrap_err();
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("only for semver"), "{}", f[0].message);
        assert_eq!(f[0].line, Some(7));
    }
}
