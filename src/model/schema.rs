//! The JSON Schema (draft 2020-12) of a manifest, for `cadence schema`,
//! `/schema/manifest.schema.json` and editors' YAML language servers.
//!
//! Part of the model layer.

use serde_json::{Value, json};

use crate::model::manifest::MAX_EVALUATION;
use crate::model::text;

/// The manifest schema. `base_url` names its `$id` when the site has one.
pub fn manifest_schema(base_url: Option<&str>) -> Value {
    let date = json!({
        "type": "string",
        "description": "YYYY-MM-DD, or an RFC 3339 date-time with offset (taken in UTC)",
        "anyOf": [
            {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            {"format": "date-time"}
        ]
    });
    let release = release(&date);
    let skip = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["kind", "slot", "announced", "reason"],
        "properties": {
            "kind": {"const": "skip"},
            "slot": date,
            "announced": date,
            "reason": {"type": "string", "description": "Why the slot is skipped, markdown"}
        }
    });
    let line = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["kind", "major"],
        "properties": {
            "kind": {"const": "line"},
            "major": {
                "type": "integer",
                "minimum": 0,
                "description": "The major version of the line; equals the number in the file stem line-<major>.yaml"
            },
            "eol": {
                "description": "End of support; overrides the channel's [support] policy",
                "allOf": [date]
            },
            "lts": {"type": "boolean", "default": false, "description": "Long-term support"},
            "note": {"type": "string", "description": "What support means for this line, markdown"}
        }
    });
    let id = base_url.map_or_else(
        || "https://cadence.invalid/schema/manifest.schema.json".to_string(),
        |b| format!("{b}schema/manifest.schema.json"),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": id,
        "title": "cadence release, skip or line manifest",
        "description": "releases/<model>/<channel>/<version>.yaml, releases/<model>/<channel>/skip-<slot>.yaml or releases/<model>/<channel>/line-<major>.yaml",
        "oneOf": [
            {"$ref": "#/$defs/release"},
            {"$ref": "#/$defs/skip"},
            {"$ref": "#/$defs/line"}
        ],
        "$defs": {"release": release, "skip": skip, "line": line}
    })
}

/// The definition of a release manifest (`$defs/release`); `date` is the
/// shape of a date.
fn release(date: &Value) -> Value {
    // cadence reads scalars as written, so a commit id of only digits
    // (`taxonomy_commit: 12345678`, or `12345e67`) is valid hex; a YAML
    // language server reads it as a number, which the schema must accept
    // too (a pattern only constrains strings).
    let hex40 = json!({"type": ["string", "number"], "pattern": "^[0-9a-fA-F]{40}$"});
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["version", "date", "summary"],
        "properties": {
            "kind": {"const": "release"},
            "version": {
                "type": "string",
                "description": "Equals the file stem: X.Y.Z or X.Y.Z-rc.N on semver channels, YYYY-MM-DD or YYYY-MM-DD.N on date channels",
                "pattern": "^([0-9]+\\.[0-9]+\\.[0-9]+(-rc\\.[1-9][0-9]*)?|[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.[1-9][0-9]*)?)$"
            },
            "date": date,
            "summary": {"type": "string", "description": "One line of plain text", "pattern": "^[^\\n]*\\n?$", "minLength": 1},
            "title": {"type": "string"},
            "status": {"enum": ["released", "planned", "yanked"], "default": "released"},
            "yanked": {
                "type": "object",
                "additionalProperties": false,
                "required": ["date", "reason"],
                "properties": {"date": date, "reason": {"type": "string"}}
            },
            "revision": {"description": "Hugging Face commit id of the channel repo", "allOf": [hex40]},
            "taxonomy": {"type": ["string", "number"], "description": "Taxonomy branch the build came from"},
            "taxonomy_commit": {"type": ["string", "number"], "pattern": "^[0-9a-fA-F]{7,40}$"},
            "artifacts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["format", "file"],
                    "properties": {
                        "format": {"enum": ["safetensors", "gguf", "other"]},
                        "file": {
                            "type": "string",
                            "pattern": text::FILE.pattern(),
                            "not": {"pattern": "(^/|(^|/)\\.\\.(/|$))"}
                        },
                        "repo": {"type": "string", "pattern": "^[^/]+/[^/]+$"},
                        "revision": {"type": "string"},
                        "quantization": {"type": "string", "pattern": text::QUANTIZATION.pattern()},
                        "size": {"type": "integer", "minimum": 1},
                        "sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}
                    },
                    "if": {"properties": {"format": {"const": "gguf"}}},
                    "then": {"required": ["quantization"]}
                }
            },
            "ollama": {"type": "string", "pattern": text::OLLAMA.pattern()},
            "evaluations": {
                "type": "object",
                "additionalProperties": {
                    "type": "number",
                    "minimum": -MAX_EVALUATION,
                    "maximum": MAX_EVALUATION
                }
            },
            "notes": {"type": "string", "description": "Release notes, markdown"}
        },
        "allOf": [
            {
                "if": {"properties": {"status": {"const": "yanked"}}, "required": ["status"]},
                "then": {"required": ["yanked"]},
                "else": {"not": {"required": ["yanked"]}}
            },
            {
                "if": {"properties": {"status": {"const": "planned"}}, "required": ["status"]},
                "else": {"required": ["revision"]}
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_lists_every_manifest_key() {
        let s = super::manifest_schema(None);
        let props = s["$defs"]["release"]["properties"].as_object().unwrap();
        for key in crate::model::manifest::RELEASE_KEYS {
            assert!(props.contains_key(*key), "{key}");
        }
        let props = s["$defs"]["skip"]["properties"].as_object().unwrap();
        for key in crate::model::manifest::SKIP_KEYS {
            assert!(props.contains_key(*key), "{key}");
        }
        let props = s["$defs"]["line"]["properties"].as_object().unwrap();
        let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want = crate::model::manifest::LINE_KEYS.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }

    #[test]
    fn character_sets_are_the_rules_own() {
        let s = super::manifest_schema(None);
        let artifact = &s["$defs"]["release"]["properties"]["artifacts"]["items"]["properties"];
        assert_eq!(artifact["file"]["pattern"], "^[A-Za-z0-9._+/-]+$");
        assert_eq!(artifact["quantization"]["pattern"], "^[A-Za-z0-9._-]+$");
        let release = &s["$defs"]["release"]["properties"];
        assert_eq!(release["ollama"]["pattern"], "^[A-Za-z0-9._/:-]+$");
        assert_eq!(
            release["evaluations"]["additionalProperties"]["maximum"],
            1e15
        );
    }
}
