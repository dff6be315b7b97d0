//! Rules about one manifest at a time: `version-format`, `revision-format`,
//! `taxonomy-date`, `tag-format`, `artifact` (with the character sets of
//! `file`, `quantization` and `ollama`), `future-date`, `planned-past`.
//!
//! Part of the model layer.

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::config::valid_tag;
use crate::model::diagnostics::Finding;
use crate::model::load::Site;
use crate::model::manifest::{Format, Release, Status};
use crate::model::text;
use crate::model::version::{Version, Versioning, parse_day};

pub fn check(site: &Site, today: NaiveDate) -> Vec<Finding> {
    // Each release on its own, so in parallel; the caller sorts.
    let mut out: Vec<Finding> = site
        .releases
        .par_chunks(512)
        .flat_map_iter(|chunk| {
            let mut found = Vec::new();
            for r in chunk {
                release(site, r, today, &mut found);
            }
            found
        })
        .collect();
    for s in &site.skips {
        let scheduled = site
            .config
            .channels
            .get(&s.channel)
            .is_some_and(|c| c.schedule.is_some());
        if !scheduled {
            out.push(
                Finding::error(
                    "version-format",
                    &s.file,
                    format!(
                        "channel `{}` has no schedule, so it has no slots to skip",
                        s.channel
                    ),
                )
                .at(s.at("slot")),
            );
        }
        if s.announced > today {
            out.push(
                Finding::error(
                    "future-date",
                    &s.file,
                    format!(
                        "the skip is announced on {}, after today ({today})",
                        s.announced
                    ),
                )
                .at(s.at("announced")),
            );
        }
    }
    out
}

/// The message when `value` of `field` holds a character outside `set`
/// (these values end up in URLs and in commands shown for copy and paste).
fn char_set(field: &str, value: &str, set: text::CharSet) -> Option<String> {
    let bad = match set.fault(value) {
        _ if value.is_empty() => "nothing".to_string(),
        None => return None,
        Some(' ') => "a space".to_string(),
        Some(c) if c.is_ascii_graphic() => format!("`{c}`"),
        Some(c) => format!("U+{:04X}", u32::from(c)),
    };
    Some(format!(
        "`{field}` may hold only {}, found {bad} in `{value}`",
        set.class()
    ))
}

pub fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The date at the end of a taxonomy branch name (`cmb-run-2024-08-26`).
fn taxonomy_date(name: &str) -> Option<NaiveDate> {
    let tail = name.get(name.len().checked_sub(10)?..)?;
    let before = name.get(..name.len() - 10)?;
    if before.is_empty() || before.ends_with('-') {
        parse_day(tail)
    } else {
        None
    }
}

fn release(site: &Site, r: &Release, today: NaiveDate, out: &mut Vec<Finding>) {
    let Some(channel) = site.config.channels.get(&r.channel) else {
        return;
    };
    let err = |code: &'static str, field: &str, msg: String| {
        Finding::error(code, &r.file, msg).at(r.at(field))
    };

    match (&r.parsed, channel.versioning) {
        (None, Versioning::Semver) => out.push(
            err(
                "version-format",
                "version",
                format!(
                    "`{}` is not a semver version X.Y.Z or X.Y.Z-rc.N",
                    r.version
                ),
            )
            .help("write versions such as 1.1.0 or 1.1.0-rc.1, with no `v` and no build metadata"),
        ),
        (None, Versioning::Date) => out.push(
            err(
                "version-format",
                "version",
                format!(
                    "`{}` is not a stream version YYYY-MM-DD or YYYY-MM-DD.N (N >= 2)",
                    r.version
                ),
            )
            .help("the first build of a day is YYYY-MM-DD, the second YYYY-MM-DD.2"),
        ),
        (Some(Version::Date { date, .. }), _) if *date != r.date => out.push(err(
            "version-format",
            "version",
            format!(
                "stream version `{}` is not the release's date {}",
                r.version, r.date
            ),
        )),
        _ => {}
    }

    match &r.revision {
        None if r.status != Status::Planned => out.push(
            err(
                "revision-format",
                "",
                "`revision` is missing: a released or yanked release names its Hugging Face commit"
                    .into(),
            )
            .help("add `revision: <40-hex commit id>`"),
        ),
        Some(rev) if rev.len() != 40 || !is_hex(rev) => out.push(err(
            "revision-format",
            "revision",
            format!("`revision` must be a 40-hex commit id, found `{rev}`"),
        )),
        _ => {}
    }
    if let Some(c) = &r.taxonomy_commit
        && (!(7..=40).contains(&c.len()) || !is_hex(c))
    {
        out.push(err(
            "revision-format",
            "taxonomy_commit",
            format!("`taxonomy_commit` must be 7 to 40 hex digits, found `{c}`"),
        ));
    }

    if let Some(t) = &r.taxonomy
        && let Some(d) = taxonomy_date(t)
        && d > r.date
    {
        out.push(err(
            "taxonomy-date",
            "taxonomy",
            format!(
                "taxonomy `{t}` is dated {d}, after the release ({})",
                r.date
            ),
        ));
    }

    let tag = channel.render_tag(&r.version);
    if !valid_tag(&tag) {
        out.push(err(
            "tag-format",
            "version",
            format!(
                "the tag `{tag}` (from the channel's template `{}`) is not a valid git tag name",
                channel.tag
            ),
        ));
    }

    artifacts(r, out);
    dates(r, today, out);
}

/// `artifact`: each artifact's fields, and the Ollama name.
fn artifacts(r: &Release, out: &mut Vec<Finding>) {
    let err = |code: &'static str, field: &str, msg: String| {
        Finding::error(code, &r.file, msg).at(r.at(field))
    };
    for (i, a) in r.artifacts.iter().enumerate() {
        let field = |f: &str| format!("artifacts.{i}.{f}");
        if a.format == Format::Gguf && a.quantization.is_none() {
            out.push(
                err(
                    "artifact",
                    &format!("artifacts.{i}"),
                    format!("gguf artifact `{}` needs `quantization`", a.file),
                )
                .help("add `quantization: Q4_K_M` (or whichever it is)"),
            );
        }
        if let Some(h) = &a.sha256
            && (h.len() != 64 || !is_hex(h))
        {
            out.push(err(
                "artifact",
                &field("sha256"),
                format!("`sha256` must be 64 hex digits, found `{h}`"),
            ));
        }
        if let Some(n) = a.size
            && n <= 0
        {
            out.push(err(
                "artifact",
                &field("size"),
                format!("`size` must be a positive number of bytes, found {n}"),
            ));
        }
        if a.file.starts_with('/')
            || a.file.starts_with('\\')
            || a.file.split(['/', '\\']).any(|p| p == "..")
            || a.file.is_empty()
        {
            out.push(err(
                "artifact",
                &field("file"),
                format!("`file` must be a path inside the repo, found `{}`", a.file),
            ));
        } else if let Some(f) = char_set("file", &a.file, text::FILE) {
            out.push(err("artifact", &field("file"), f));
        }
        if let Some(q) = &a.quantization
            && let Some(f) = char_set("quantization", q, text::QUANTIZATION)
        {
            out.push(err("artifact", &field("quantization"), f));
        }
    }
    if let Some(name) = &r.ollama
        && let Some(f) = char_set("ollama", name, text::OLLAMA)
    {
        out.push(err("artifact", "ollama", f));
    }
}

/// `future-date` and `planned-past`: the release's dates against today.
fn dates(r: &Release, today: NaiveDate, out: &mut Vec<Finding>) {
    let err = |code: &'static str, field: &str, msg: String| {
        Finding::error(code, &r.file, msg).at(r.at(field))
    };
    if r.status.shipped() && r.date > today {
        out.push(
            err(
                "future-date",
                "date",
                format!(
                    "a {} release is dated {}, after today ({today})",
                    r.status.as_str(),
                    r.date
                ),
            )
            .help("use `status: planned` for a release that has not shipped"),
        );
    }
    if let Some(y) = &r.yanked
        && y.date > today
    {
        out.push(err(
            "future-date",
            "yanked.date",
            format!("the yank is dated {}, after today ({today})", y.date),
        ));
    }
    if r.status == Status::Planned && r.date < today {
        out.push(
            err(
                "planned-past",
                "date",
                format!("the planned date {} has passed", r.date),
            )
            .help("ship it (`status: released` with its revision), or move its date"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_dates() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(taxonomy_date("cmb-run-2024-08-26"), d("2024-08-26"));
        assert_eq!(taxonomy_date("release-2024-04-15"), d("2024-04-15"));
        assert_eq!(taxonomy_date("release-04102024"), None);
        assert_eq!(taxonomy_date("2024-08-26"), d("2024-08-26"));
        assert_eq!(taxonomy_date("x2024-08-26"), None);
    }
}
