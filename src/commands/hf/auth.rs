//! Where the Hub token and endpoint come from, as in `huggingface_hub`.
//!
//! Token: `HF_TOKEN`, else `HUGGING_FACE_HUB_TOKEN`, else the token file:
//! `HF_TOKEN_PATH` when set, else `$HF_HOME/token`, where `HF_HOME` defaults
//! to `$XDG_CACHE_HOME/huggingface` and that to `~/.cache/huggingface`.
//! A token is trimmed (line breaks anywhere are dropped, as
//! `huggingface_hub` does); an empty one is no token.
//!
//! Endpoint: `--endpoint`, else `HF_ENDPOINT`, else `https://huggingface.co`,
//! without a trailing `/`.
//!
//! Part of the commands layer.

use std::path::PathBuf;

/// The public Hub.
pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";

/// The token from the process environment and the token file.
pub fn resolve_token() -> Option<String> {
    resolve_token_with(|k| std::env::var(k).ok(), std::env::home_dir())
}

/// The token, looking variables up with `var` and taking `home` as `~`.
pub fn resolve_token_with(
    var: impl Fn(&str) -> Option<String>,
    home: Option<PathBuf>,
) -> Option<String> {
    // As `huggingface_hub`: an empty HF_TOKEN falls through to the legacy name.
    let from_env = var("HF_TOKEN")
        .filter(|v| !v.is_empty())
        .or_else(|| var("HUGGING_FACE_HUB_TOKEN"));
    if let Some(token) = from_env.as_deref().and_then(clean) {
        return Some(token);
    }
    let file = token_file(&var, home)?;
    let text = std::fs::read_to_string(file).ok()?;
    clean(&text)
}

/// The token file that would be read: `HF_TOKEN_PATH`, else `$HF_HOME/token`.
pub fn token_file(var: &impl Fn(&str) -> Option<String>, home: Option<PathBuf>) -> Option<PathBuf> {
    let set = |k: &str| var(k).filter(|v| !v.is_empty());
    if let Some(path) = set("HF_TOKEN_PATH") {
        return Some(expand_home(&path, home.as_ref()));
    }
    let hf_home = match set("HF_HOME") {
        Some(h) => expand_home(&h, home.as_ref()),
        None => match set("XDG_CACHE_HOME") {
            Some(cache) => expand_home(&cache, home.as_ref()).join("huggingface"),
            None => home?.join(".cache").join("huggingface"),
        },
    };
    Some(hf_home.join("token"))
}

fn expand_home(path: &str, home: Option<&PathBuf>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ if path == "~" && home.is_some() => home.cloned().unwrap_or_default(),
        _ => PathBuf::from(path),
    }
}

fn clean(token: &str) -> Option<String> {
    let t = token.replace(['\r', '\n'], "");
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The endpoint: the flag, else `HF_ENDPOINT`, else the public Hub.
pub fn resolve_endpoint(flag: Option<&str>) -> String {
    resolve_endpoint_with(flag, |k| std::env::var(k).ok())
}

pub fn resolve_endpoint_with(flag: Option<&str>, var: impl Fn(&str) -> Option<String>) -> String {
    let chosen = flag
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| var("HF_ENDPOINT").filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
    chosen.trim().trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn hf_token_comes_first_and_is_trimmed() {
        let var = env(&[
            ("HF_TOKEN", "  hf_abc\n"),
            ("HUGGING_FACE_HUB_TOKEN", "hf_old"),
        ]);
        assert_eq!(resolve_token_with(var, None).as_deref(), Some("hf_abc"));
    }

    #[test]
    fn legacy_variable_when_hf_token_is_empty() {
        let var = env(&[("HF_TOKEN", ""), ("HUGGING_FACE_HUB_TOKEN", "hf_old")]);
        assert_eq!(resolve_token_with(var, None).as_deref(), Some("hf_old"));
    }

    #[test]
    fn token_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".cache/huggingface")).unwrap();
        std::fs::write(home.join(".cache/huggingface/token"), "hf_default\n").unwrap();
        let hf_home = dir.path().join("hfhome");
        std::fs::create_dir_all(&hf_home).unwrap();
        std::fs::write(hf_home.join("token"), "hf_home_token").unwrap();
        let explicit = dir.path().join("explicit");
        std::fs::write(&explicit, " hf_explicit ").unwrap();

        assert_eq!(
            resolve_token_with(env(&[]), Some(home.clone())).as_deref(),
            Some("hf_default")
        );
        let hf_home_s = hf_home.to_str().unwrap();
        assert_eq!(
            resolve_token_with(env(&[("HF_HOME", hf_home_s)]), Some(home.clone())).as_deref(),
            Some("hf_home_token")
        );
        let explicit_s = explicit.to_str().unwrap();
        assert_eq!(
            resolve_token_with(
                env(&[("HF_HOME", hf_home_s), ("HF_TOKEN_PATH", explicit_s)]),
                Some(home.clone())
            )
            .as_deref(),
            Some("hf_explicit")
        );
        // The environment wins over every file.
        assert_eq!(
            resolve_token_with(
                env(&[("HF_TOKEN", "hf_env"), ("HF_TOKEN_PATH", explicit_s)]),
                Some(home)
            )
            .as_deref(),
            Some("hf_env")
        );
    }

    #[test]
    fn empty_or_missing_token_is_none() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "  \n").unwrap();
        let hf_home = dir.path().to_str().unwrap();
        assert_eq!(
            resolve_token_with(env(&[("HF_HOME", hf_home), ("HF_TOKEN", " ")]), None),
            None
        );
        assert_eq!(
            resolve_token_with(env(&[]), Some(dir.path().join("nowhere"))),
            None
        );
        assert_eq!(resolve_token_with(env(&[]), None), None);
    }

    #[test]
    fn endpoint_order_and_trailing_slash() {
        assert_eq!(
            resolve_endpoint_with(None, env(&[])),
            "https://huggingface.co"
        );
        assert_eq!(
            resolve_endpoint_with(None, env(&[("HF_ENDPOINT", "https://hub.example/")])),
            "https://hub.example"
        );
        assert_eq!(
            resolve_endpoint_with(
                Some("http://127.0.0.1:9/"),
                env(&[("HF_ENDPOINT", "https://hub.example")])
            ),
            "http://127.0.0.1:9"
        );
    }
}
