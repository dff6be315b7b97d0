//! `cadence.toml`: the site, its channels and their cadence rules, its models.
//!
//! Every problem is a `config` finding naming the line; a site whose config
//! has one is not checked further (exit 2).
//!
//! Part of the model layer.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::model::diagnostics::Finding;
use crate::model::every::Every;
use crate::model::read::{Kind, ReadError};
use crate::model::version::Versioning;
use crate::model::yaml::Pos;

mod tables;

use tables::{RawConfig, channel, line_of, model, toml_finding};

mod support;
pub use support::{MAX_SUPPORT_MONTHS, SupportRule};

pub const FILE: &str = "cadence.toml";

/// Names a model or channel may not take: they are paths of the site.
pub const RESERVED: &[&str] = &[
    "api",
    "schema",
    "static",
    "feeds",
    "calendar.ics",
    "schedule",
    "404.html",
    "candidates",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    /// Absolute http(s) URL, always ending in `/`.
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub theme: String,
    pub notice: Option<String>,
    pub feed_limit: usize,
    pub author: Author,
    pub announce: Option<Announce>,
    pub channels: BTreeMap<String, Channel>,
    pub metrics: BTreeMap<String, Metric>,
    pub models: BTreeMap<String, Model>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Announce {
    pub to: String,
    pub from: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub name: String,
    pub title: String,
    pub description: String,
    pub versioning: Versioning,
    pub tag: String,
    pub retention: Option<usize>,
    pub schedule: Option<ScheduleRule>,
    pub candidates: Option<CandidateRule>,
    pub gates: BTreeMap<String, Gate>,
    /// `[channels.<c>.support]`: how long an older major line is supported.
    pub support: Option<SupportRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRule {
    pub every: Every,
    pub start: NaiveDate,
    pub window_days: i64,
    pub skip_notice_days: i64,
    /// Where the `[channels.<name>.schedule]` table is, for findings
    /// about the schedule itself.
    pub at: Option<Pos>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateRule {
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub soak_days: u32,
    #[serde(default)]
    pub promote_same_revision: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub base_model: Option<String>,
    pub license: Option<String>,
    pub since: Option<NaiveDate>,
    /// Channel name -> Hugging Face repo id.
    pub repos: BTreeMap<String, String>,
}

impl Config {
    /// The title a metric is shown with.
    pub fn metric_title<'a>(&'a self, metric: &'a str) -> &'a str {
        self.metrics
            .get(metric)
            .map(|m| m.title.as_str())
            .unwrap_or(metric)
    }

    /// The path of `base_url` (`/` or `/lab/`), put before site-relative links.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, r)| r);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// The host of `base_url`, for tag URIs.
    pub fn host(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, r)| r);
        let host_port = after_scheme.split('/').next().unwrap_or("");
        let host = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
        if host.starts_with('[') {
            host
        } else {
            host.split(':').next().unwrap_or(host)
        }
    }

    /// Replace `base_url` (for `--base-url` and `serve`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_url = normalise_base_url(url)?;
        Ok(())
    }

    /// Models that publish on `channel`, in id order.
    pub fn models_on<'a>(&'a self, channel: &'a str) -> impl Iterator<Item = &'a Model> + 'a {
        self.models
            .values()
            .filter(move |m| m.repos.contains_key(channel))
    }
}

impl Channel {
    /// The Hugging Face tag of a release of this channel.
    pub fn render_tag(&self, version: &str) -> String {
        // The placeholders in turn, as `str::replace` would, but only those
        // the text still holds (most templates have one): this runs twice
        // for every release of a site.
        let mut tag = self.tag.clone();
        let mut sem: Option<Option<semver::Version>> = None;
        for (name, value) in [
            ("{version}", Part::Version),
            ("{compact}", Part::Compact),
            ("{major}", Part::Major),
            ("{minor}", Part::Minor),
            ("{patch}", Part::Patch),
        ] {
            if !tag.contains(name) {
                continue;
            }
            let number = |f: fn(&semver::Version) -> u64, sem: &mut Option<Option<_>>| {
                sem.get_or_insert_with(|| semver::Version::parse(version).ok())
                    .as_ref()
                    .map(|v| f(v).to_string())
                    .unwrap_or_default()
            };
            let value = match value {
                Part::Version => version.to_string(),
                Part::Compact => version.replace('-', ""),
                Part::Major => number(|v| v.major, &mut sem),
                Part::Minor => number(|v| v.minor, &mut sem),
                Part::Patch => number(|v| v.patch, &mut sem),
            };
            tag = tag.replace(name, &value);
        }
        tag
    }
}

/// A placeholder of a tag template.
enum Part {
    Version,
    Compact,
    Major,
    Minor,
    Patch,
}

/// Whether `tag` is a valid git ref name component for a tag: only
/// `[A-Za-z0-9._-]`, no `..`, not starting with `-` or `.`, not `HEAD`, and
/// not ending in `.lock` or `.`.
pub fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && !tag.contains("..")
        && !tag.starts_with(['-', '.'])
        && !tag.ends_with('.')
        && !tag.ends_with(".lock")
        && tag != "HEAD"
}

/// `url` as an absolute http(s) base URL ending in `/`, or why it is not one.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("`{url}` is not an absolute http(s) URL"));
    }
    let mut s = parsed.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// Whether a model or channel name is well formed.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The longest slot window or skip notice, in days. Without a bound a huge
/// `window_days` overflowed date arithmetic (a panic, not a finding).
pub const MAX_SCHEDULE_DAYS: i64 = 3660;

/// Placeholders a tag template may use.
pub const TAG_PLACEHOLDERS: &[&str] = &["version", "compact", "major", "minor", "patch"];

/// Read and validate `cadence.toml` in `root`.
pub fn load(root: &Path) -> Result<(Config, String), Vec<Finding>> {
    let path = root.join(FILE);
    let text = match crate::model::read::read_text(root, &path, Kind::Config) {
        Ok(t) => t,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![
                Finding::error(
                    "config",
                    FILE,
                    format!("no cadence.toml in {}", root.display()),
                )
                .help("run `cadence init` to start a site, or pass `--root DIR`"),
            ]);
        }
        Err(ReadError::Io(e)) => {
            return Err(vec![Finding::error(
                "config",
                FILE,
                format!("cannot read {}: {e}", path.display()),
            )]);
        }
        Err(e) => {
            let mut f = e.finding(FILE, "config", "config");
            f.code = "config";
            return Err(vec![f]);
        }
    };
    parse(&text).map(|c| (c, text))
}

/// Parse and validate the text of a `cadence.toml`.
pub fn parse(text: &str) -> Result<Config, Vec<Finding>> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| vec![toml_finding(text, &e)])?;
    let mut findings = Vec::new();
    let mut err = |pos: Option<Pos>, msg: String| {
        findings.push(Finding::error("config", FILE, msg).at(pos));
    };
    // Prose (descriptions, the notice) may span lines; every other string
    // is one line of plain text.
    crate::model::text::check_toml(text, &["description", "notice"], &mut |pos, msg| {
        err(Some(pos), msg)
    });

    let base_url = match normalise_base_url(&raw.base_url) {
        Ok(u) => u,
        Err(e) => {
            err(line_of(text, &["base_url"]), format!("base_url: {e}"));
            String::new()
        }
    };
    let feed_limit = match raw.feed_limit {
        None => 50,
        Some(n) if n >= 1 => n as usize,
        Some(n) => {
            err(
                line_of(text, &["feed_limit"]),
                format!("feed_limit must be at least 1, not {n}"),
            );
            50
        }
    };

    let mut channels = BTreeMap::new();
    for (name, rc) in raw.channels {
        channels.insert(name.clone(), channel(text, name, rc, &mut err));
    }
    let mut models = BTreeMap::new();
    for (id, rm) in raw.models {
        models.insert(id.clone(), model(text, id, rm, &channels, &mut err));
    }
    for name in channels.keys().chain(models.keys()) {
        if RESERVED.contains(&name.as_str()) {
            err(
                line_of(
                    text,
                    &[&format!("channels.{name}"), &format!("models.{name}")],
                ),
                format!("`{name}` is a reserved name (a path of the site); choose another"),
            );
        }
    }
    if models.is_empty() {
        err(None, "no models: add a `[models.<id>]` table".to_string());
    }

    if !findings.is_empty() {
        return Err(findings);
    }
    Ok(Config {
        title: raw.title,
        base_url,
        description: raw.description,
        language: raw.language.unwrap_or_else(|| "en".into()),
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        notice: raw.notice,
        feed_limit,
        author: raw.author,
        announce: raw.announce,
        channels,
        metrics: raw.metrics,
        models,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
title = "T"
base_url = "https://releases.example.org/lab"
[author]
name = "A"
[channels.stream]
versioning = "date"
tag = "release-{compact}"
[channels.versioned]
versioning = "semver"
tag = "v{version}"
[channels.versioned.schedule]
every = "3 months"
start = 2024-09-02
[models.m]
title = "M"
[models.m.repos]
stream = "o/m-stream"
versioned = "o/m"
"#;

    #[test]
    fn parses_with_defaults() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.base_url, "https://releases.example.org/lab/");
        assert_eq!(c.base_path(), "/lab/");
        assert_eq!(c.host(), "releases.example.org");
        assert_eq!(c.feed_limit, 50);
        assert_eq!(c.language, "en");
        let s = c.channels["versioned"].schedule.as_ref().unwrap();
        assert_eq!(s.window_days, 14);
        assert_eq!(s.skip_notice_days, 7);
    }

    #[test]
    fn unknown_key_suggests() {
        let bad = GOOD.replace("every = ", "windw_days = 3\nevery = ");
        let f = &parse(&bad).unwrap_err()[0];
        assert_eq!(f.code, "config");
        assert!(f.message.contains("windw_days"), "{}", f.message);
        assert_eq!(f.help.as_deref(), Some("did you mean `window_days`?"));
        assert_eq!(f.line, Some(13));
    }

    #[test]
    fn reserved_and_colliding_names() {
        let bad = GOOD
            .replace("[models.m]", "[models.api]")
            .replace("[models.m.repos]", "[models.api.repos]");
        let f = parse(&bad).unwrap_err();
        assert!(f.iter().any(|f| f.message.contains("reserved")));
        let bad = GOOD
            .replace("[models.m]", "[models.stream]")
            .replace("[models.m.repos]", "[models.stream.repos]");
        let f = parse(&bad).unwrap_err();
        assert!(f.iter().any(|f| f.message.contains("also a channel")));
    }

    #[test]
    fn bad_values() {
        let bad = GOOD.replace("https://releases.example.org/lab", "releases.example.org");
        assert!(parse(&bad).unwrap_err()[0].message.contains("base_url"));
        let bad = GOOD.replace("3 months", "often");
        assert!(parse(&bad).is_err());
        let bad = GOOD.replace(
            "start = 2024-09-02",
            "start = 2024-09-02\nwindow_days = 1000000000000000",
        );
        assert!(parse(&bad).unwrap_err()[0].message.contains("at most 3660"));
        let bad = GOOD.replace("v{version}", "v{vers}");
        assert!(
            parse(&bad).unwrap_err()[0]
                .message
                .contains("did you mean `{version}`")
        );
        let bad = GOOD.replace("versioned = \"o/m\"", "versiond = \"o/m\"");
        assert!(
            parse(&bad).unwrap_err()[0]
                .message
                .contains("did you mean `versioned`")
        );
    }

    #[test]
    fn tags_fill_every_placeholder_as_replace_would() {
        let naive = |tag: &str, version: &str| {
            let sem = semver::Version::parse(version).ok();
            let part = |f: fn(&semver::Version) -> u64| {
                sem.as_ref().map(|v| f(v).to_string()).unwrap_or_default()
            };
            tag.replace("{version}", version)
                .replace("{compact}", &version.replace('-', ""))
                .replace("{major}", &part(|v| v.major))
                .replace("{minor}", &part(|v| v.minor))
                .replace("{patch}", &part(|v| v.patch))
        };
        for tag in [
            "v{version}",
            "release-{compact}",
            "{major}.{minor}.{patch}-{major}",
            "plain",
            "{version}{compact}{major}{minor}{patch}",
        ] {
            let channel = Channel {
                name: "c".into(),
                title: "C".into(),
                description: String::new(),
                versioning: Versioning::Semver,
                tag: tag.into(),
                retention: None,
                schedule: None,
                candidates: None,
                gates: BTreeMap::new(),
                support: None,
            };
            for version in [
                "1.2.3",
                "1.2.3-rc.4",
                "2024-09-12.2",
                "{major}",
                "x{compact}",
            ] {
                assert_eq!(
                    channel.render_tag(version),
                    naive(tag, version),
                    "{tag} {version}"
                );
            }
        }
    }
}
