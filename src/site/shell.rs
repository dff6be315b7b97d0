//! Commands shown for copy and paste (`hf download ...`, `ollama run ...`
//! on release pages, in the JSON API's `ollama_command` and in
//! announcements): every value that needs it is quoted for a POSIX shell,
//! so a file, quantization or Ollama name holding `;`, `$(...)`, a space, a
//! quote or `#` is one argument when pasted, never a command of its own. A
//! plain value is shown as it is.
//!
//! Quoting is `shlex`'s (single quotes, double quotes for a `'`; it also
//! guards against `!`, `^` and brace expansion in interactive shells).
//!
//! Part of the site layer.

use std::borrow::Cow;

/// One argument as a POSIX shell reads it back. A NUL cannot be in an
/// argument at all, so it is dropped.
pub fn quote(value: &str) -> Cow<'_, str> {
    match shlex::try_quote(value) {
        Ok(quoted) => quoted,
        Err(_) => Cow::Owned(
            shlex::try_quote(&value.replace('\0', ""))
                .expect("no NUL left")
                .into_owned(),
        ),
    }
}

/// A command line of `words`, each quoted where it needs it.
pub fn command<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words.into_iter().map(quote).collect::<Vec<_>>().join(" ")
}

/// The words of a command line as [`command`] writes them, quotes kept:
/// what a POSIX shell reads as one argument is one word (`'a b.gguf'`,
/// `"it's"`), for pages that show a command word by word.
pub fn words(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => {
                escaped = true;
                start.get_or_insert(i);
            }
            (Some(_), _) => {}
            (None, ' ') => out.extend(start.take().map(|s| &line[s..i])),
            (None, '\'' | '"') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    out.extend(start.map(|s| &line[s..]));
    out
}

/// `hf download <repo> [<file>] --revision <revision>`.
pub fn hf_download(repo: &str, file: Option<&str>, revision: &str) -> String {
    let mut words = vec!["hf", "download", repo];
    words.extend(file);
    words.extend(["--revision", revision]);
    command(words)
}

/// `ollama run <name>`.
pub fn ollama_run(name: &str) -> String {
    command(["ollama", "run", name])
}

/// `ollama run hf.co/<repo>:<quantization>`: a GGUF on Hugging Face (SPEC 4).
pub fn ollama_run_gguf(repo: &str, quantization: &str) -> String {
    ollama_run(&format!("hf.co/{repo}:{quantization}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_what_the_shell_reads_as_one_argument() {
        assert_eq!(
            words("hf download a/b x.gguf --revision main"),
            ["hf", "download", "a/b", "x.gguf", "--revision", "main"]
        );
        for file in [
            "a b.gguf",
            "it's here.gguf",
            "x;rm -rf ~",
            "\"q\" $(x) `y`",
            "é ü",
        ] {
            let line = hf_download("a/b", Some(file), "main");
            let got = words(&line);
            assert_eq!(got.len(), 6, "{line}: {got:?}");
            assert_eq!(shlex::split(got[3]).unwrap(), [file], "{line}");
        }
        assert_eq!(words(""), Vec::<&str>::new());
    }

    #[test]
    fn plain_values_are_shown_as_they_are() {
        assert_eq!(
            hf_download(
                "instructlab/granite-7b-lab",
                Some("granite-7b-lab-Q4_K_M.gguf"),
                "0123456789abcdef0123456789abcdef01234567"
            ),
            "hf download instructlab/granite-7b-lab granite-7b-lab-Q4_K_M.gguf --revision 0123456789abcdef0123456789abcdef01234567"
        );
        assert_eq!(
            ollama_run("instructlab/granite-7b-lab:release-20240912"),
            "ollama run instructlab/granite-7b-lab:release-20240912"
        );
        assert_eq!(
            ollama_run_gguf("instructlab/granite-7b-lab-GGUF", "Q4_K_M"),
            "ollama run hf.co/instructlab/granite-7b-lab-GGUF:Q4_K_M"
        );
    }

    #[test]
    fn values_that_need_it_are_quoted_and_split_back() {
        let values = [
            "x.gguf; touch /tmp/pwned #.gguf",
            "Q4$(id)",
            "a`id`b",
            "it's",
            "back\\slash",
            "\"double\"",
            "sp ace",
            "#hash",
            "glob*?[a]",
            "~home",
            "{a,b}",
            "bang!",
            "^caret",
            "tab\there",
            "new\nline",
            "é",
            "",
            "a|b&c<d>e",
        ];
        for v in values {
            let shown = command(["printf", v]);
            assert_ne!(shown, format!("printf {v}"), "{v:?} is not quoted");
            assert_eq!(
                shlex::split(&shown),
                Some(vec!["printf".to_string(), v.to_string()]),
                "{shown}"
            );
        }
    }

    #[test]
    fn a_nul_is_dropped() {
        assert_eq!(quote("a\0b"), "ab");
        assert_eq!(quote("a b\0"), "'a b'");
    }
}
