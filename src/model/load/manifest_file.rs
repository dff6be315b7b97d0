//! One manifest file under `releases/`: where it lives (its model, channel
//! and file name), what it holds, and its name checked against that.
//!
//! Part of the model layer.

use std::path::Path;

use super::relative;
use crate::model::config::Config;
use crate::model::diagnostics::{Finding, suggest};
use crate::model::manifest::{self, Manifest};
use crate::model::read::{Kind, Root};
use crate::model::version::Version;

/// Read the manifest at `path`, `depth` folders under `releases/`: the
/// manifest, when it belongs to a configured model and channel, and its
/// findings.
pub(super) fn read_manifest(
    reader: &Root,
    root: &Path,
    config: &Config,
    path: &Path,
    depth: usize,
) -> (Option<Manifest>, Vec<Finding>) {
    let file = relative(root, path);
    let parts: Vec<&str> = file.split('/').collect();
    let fail = |msg: String| (None, vec![Finding::error("file-name", file.clone(), msg)]);
    if depth != 3 {
        return fail("manifests live at releases/<model>/<channel>/<version>.yaml".into());
    }
    let (model, channel, name) = (parts[1], parts[2], parts[3]);
    let Some(stem) = name.strip_suffix(".yaml") else {
        let hint = if name.ends_with(".yml") {
            " (rename it to .yaml)"
        } else {
            ""
        };
        return fail(format!("`{name}` is not a `.yaml` manifest{hint}"));
    };
    let text = match reader.read_text(path, Kind::Manifest) {
        Ok(t) => t,
        Err(e) => return (None, vec![e.finding(&file, "yaml-syntax", "schema")]),
    };
    let (manifest, mut findings) = manifest::parse(&file, &text, model, channel);
    let Some(known) = placement(config, &file, model, channel, &mut findings) else {
        return (None, findings);
    };
    let manifest = manifest.map(|m| named(m, config, &file, name, stem, channel, &mut findings));
    (manifest.filter(|_| known), findings)
}

/// Whether the folders the file is in name a configured model and a
/// channel it publishes on: `None` for an unknown model (nothing more is
/// checked), else whether the channel is known; findings for what is not.
fn placement(
    config: &Config,
    file: &str,
    model: &str,
    channel: &str,
    findings: &mut Vec<Finding>,
) -> Option<bool> {
    let mut known = true;
    let Some(model_cfg) = config.models.get(model) else {
        let hint = suggest(model, config.models.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"));
        let mut f = Finding::error(
            "unknown-model",
            file,
            format!("`{model}` is not a model in cadence.toml"),
        );
        if let Some(h) = hint {
            f = f.help(h);
        }
        findings.push(f);
        return None;
    };
    if !config.channels.contains_key(channel) {
        let mut f = Finding::error(
            "unknown-channel",
            file,
            format!("`{channel}` is not a channel in cadence.toml"),
        );
        if let Some(s) = suggest(channel, config.channels.keys().map(String::as_str)) {
            f = f.help(format!("did you mean `{s}`?"));
        }
        findings.push(f);
        known = false;
    } else if !model_cfg.repos.contains_key(channel) {
        findings.push(
            Finding::error(
                "unknown-channel",
                file,
                format!("model `{model}` does not publish on channel `{channel}`"),
            )
            .help(format!(
                "add `{channel} = \"<owner>/<repo>\"` under [models.{model}.repos] in cadence.toml"
            )),
        );
        known = false;
    }
    Some(known)
}

/// The file's name (`name`, `stem` without `.yaml`) checked against what
/// it holds: a release's version, a skip's slot, a line file's major; a
/// release's version is parsed by its channel's versioning.
fn named(
    manifest: Manifest,
    config: &Config,
    file: &str,
    name: &str,
    stem: &str,
    channel: &str,
    findings: &mut Vec<Finding>,
) -> Manifest {
    match manifest {
        Manifest::Release(mut r) => {
            if stem.starts_with("skip-") {
                findings.push(
                    Finding::error(
                        "file-name",
                        file,
                        format!("`{name}` is named as a skip but holds a release"),
                    )
                    .at(r.at(""))
                    .help("add `kind: skip`, or name the file after the version"),
                );
            } else if stem != r.version {
                findings.push(
                    Finding::error(
                        "file-name",
                        file,
                        format!(
                            "the file is named `{stem}` but its version is `{}`",
                            r.version
                        ),
                    )
                    .at(r.at("version"))
                    .help(format!("rename the file to `{}.yaml`", r.version)),
                );
            }
            if let Some(ch) = config.channels.get(channel) {
                r.parsed = Version::parse(&r.version, ch.versioning);
            }
            Manifest::Release(r)
        }
        Manifest::Skip(s) => {
            let want = format!("skip-{}", s.slot.format("%Y-%m-%d"));
            if stem != want {
                findings.push(
                    Finding::error(
                        "file-name",
                        file,
                        format!("a skip of slot {} must be named `{want}.yaml`", s.slot),
                    )
                    .at(s.at("slot")),
                );
            }
            Manifest::Skip(s)
        }
        Manifest::Line(l) => {
            findings.extend(l.misnamed(stem));
            Manifest::Line(l)
        }
    }
}
