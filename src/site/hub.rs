//! Links to the Hugging Face Hub, with every path segment percent-encoded
//! as `huggingface_hub`'s `hf_hub_url` does: a repo id's two parts each,
//! a revision as one segment (`/` as `%2F`), a file's segments each (its
//! `/` kept). Only `A-Z a-z 0-9 - . _ ~` are left as they are, so a space,
//! `#`, `?`, `%` or non-ASCII in a value can neither end the path nor
//! change what it names.
//!
//! Part of the site layer.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Where artifacts are downloaded from.
pub const HF_ENDPOINT: &str = "https://huggingface.co";

/// Every byte but the unreserved characters of RFC 3986.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One path segment: a `/` in it is encoded too.
pub fn segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// A path of segments: each encoded, the `/` between them kept.
pub fn path(value: &str) -> String {
    value.split('/').map(segment).collect::<Vec<_>>().join("/")
}

/// `<endpoint>/<repo>`.
pub fn repo_url(repo: &str) -> String {
    format!("{HF_ENDPOINT}/{}", path(repo))
}

/// `<endpoint>/<repo>/tree/<revision>`: the repo at a revision or tag.
pub fn tree_url(repo: &str, revision: &str) -> String {
    format!("{}/tree/{}", repo_url(repo), segment(revision))
}

/// `<endpoint>/<repo>/resolve/<revision>/<file>`: an artifact's download
/// URL (SPEC 4).
pub fn resolve_url(repo: &str, revision: &str, file: &str) -> String {
    format!(
        "{}/resolve/{}/{}",
        repo_url(repo),
        segment(revision),
        path(file)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_left_as_they_are() {
        assert_eq!(
            resolve_url(
                "instructlab/granite-7b-lab-GGUF",
                "main",
                "granite-7b-lab-Q4_K_M.gguf"
            ),
            "https://huggingface.co/instructlab/granite-7b-lab-GGUF/resolve/main/granite-7b-lab-Q4_K_M.gguf"
        );
        assert_eq!(
            tree_url("instructlab/granite-7b-lab", "v1.1.0"),
            "https://huggingface.co/instructlab/granite-7b-lab/tree/v1.1.0"
        );
    }

    #[test]
    fn every_segment_is_encoded() {
        assert_eq!(
            resolve_url("o wn/na#me", "refs/pr/1", "sub dir/é #?%.gguf"),
            "https://huggingface.co/o%20wn/na%23me/resolve/refs%2Fpr%2F1/sub%20dir/%C3%A9%20%23%3F%25.gguf"
        );
        assert_eq!(
            tree_url("o/n", "a b?c#d"),
            "https://huggingface.co/o/n/tree/a%20b%3Fc%23d"
        );
        // The URL crate reads them back as they are: nothing in the query
        // or fragment.
        let u = url::Url::parse(&resolve_url("o/n", "a?b#c", "d?e#f")).unwrap();
        assert_eq!(u.query(), None);
        assert_eq!(u.fragment(), None);
        assert_eq!(u.path_segments().unwrap().count(), 5);
    }
}
