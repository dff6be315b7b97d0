//! `cadence announce`: the plain-text mail and the `.eml` of a release or
//! a skip, and their templates.

use std::process::Command;

use super::*;

// ---------------------------------------------------------------- announce

#[test]
fn announce_a_release_with_subject_links_commands_and_checksums() {
    let site = site();
    let run = site.run(["announce", "granite-7b-lab", "versioned", "1.0.0"]);
    assert_eq!(run.status, 0, "{run:?}");
    let text = run.stdout;
    assert!(
        text.starts_with("Subject: [ANN] Granite 7B Lab 1.0.0 released\n\n"),
        "{text}"
    );
    for want in [
        // release page
        "    https://releases.example.org/granite-7b-lab/versioned/1.0.0/\n",
        // downloads and Ollama
        "    hf download instructlab/granite-7b-lab --revision 1111111111111111111111111111111111111111\n",
        "    https://huggingface.co/instructlab/granite-7b-lab-GGUF/resolve/2222222222222222222222222222222222222222/granite-7b-lab-Q4_K_M.gguf\n",
        "    ollama run hf.co/instructlab/granite-7b-lab-GGUF:Q4_K_M\n",
        "    ollama run instructlab/granite-7b-lab:v1.0.0\n",
        "granite-7b-lab-Q4_K_M.gguf (gguf, Q4_K_M, 4.08 GB):",
        // checksums
        "    6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487  granite-7b-lab-Q4_K_M.gguf\n",
        // feeds that carry a final: site, channel, model-channel, major line
        "    https://releases.example.org/atom.xml\n",
        "    https://releases.example.org/rss.xml\n",
        "    https://releases.example.org/versioned/atom.xml\n",
        "    https://releases.example.org/granite-7b-lab/versioned/atom.xml\n",
        "    https://releases.example.org/granite-7b-lab/versioned/1.x/rss.xml\n",
        // promoted from its candidate
        "promoted from\nrelease candidate 1.0.0-rc.1",
        // the next open slot after 2024-09-02, as of today
        "due around\n2025-06-02 (window 2025-05-19 to 2025-06-16)",
        "\n-- \nCMB release team <release-team@example.org>\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // Notes as plain text: heading underlined, bullets kept, link numbered
    // and made absolute, code indented.
    for want in [
        "What's new\n----------\n",
        "- Trained on the August taxonomy, see the schedule [1] and the\n  InstructLab docs [2]",
        "    ilab model download --repository instructlab/granite-7b-lab\n",
        "[1] https://releases.example.org/schedule/\n[2] https://docs.instructlab.ai/\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("**") && !text.contains("]("), "{text}");
    // Wrapped at 72 columns except lines indented four spaces.
    for line in text.lines().filter(|l| !l.starts_with("    ")) {
        assert!(line.chars().count() <= 72, "{line:?}");
    }
    // A candidate is not in the channel feeds, only in the candidates feed.
    let run = site.run(["announce", "granite-7b-lab", "versioned", "1.1.0-rc.1"]);
    assert!(
        run.stdout.starts_with(
            "Subject: [ANN] Granite 7B Lab 1.1.0-rc.1: release candidate for testing\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("https://releases.example.org/granite-7b-lab/candidates/atom.xml")
    );
    assert!(!run.stdout.contains("https://releases.example.org/atom.xml"));
    assert!(
        run.stdout
            .contains("    MMLU (5-shot)  0.53\n    MT-Bench       7.31\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn announce_a_stream_build_and_a_skip() {
    let site = site();
    let run = site.run(["announce", "granite-7b-lab", "stream", "2025-05-20"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("Subject: [ANN] Granite 7B Lab stream build 2025-05-20 released\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("https://releases.example.org/stream/rss.xml")
    );
    assert!(!run.stdout.contains("Next\n"), "a stream has no schedule");

    let run = site.run(["announce", "granite-7b-lab", "versioned", "skip-2025-03-02"]);
    assert_eq!(run.status, 0, "{run:?}");
    let text = run.stdout;
    assert!(
        text.starts_with(
            "Subject: [ANN] Granite 7B Lab: versioned release of 2025-03-02 skipped\n\n"
        ),
        "{text}"
    );
    for want in [
        "There will be no versioned release of Granite 7B Lab in the slot of\n2025-03-02 (window 2025-02-16 to 2025-03-16).",
        // the reason, as plain text with its link listed
        "The candidates built from the January taxonomy missed the MT-Bench gate;\nsee the schedule [1] for the next slot.\n\n[1] https://releases.example.org/schedule/",
        "1.0.0 (2024-09-02) stays the latest versioned release:\n    https://releases.example.org/granite-7b-lab/versioned/1.0.0/",
        "    https://releases.example.org/granite-7b-lab/versioned/skip-2025-03-02/\n",
        "The next slot is 2025-06-02 (window 2025-05-19 to 2025-06-16).",
        "    https://releases.example.org/granite-7b-lab/versioned/rss.xml\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("/1.x/"), "a skip is in no major-line feed");
}

#[test]
fn announce_writes_an_eml_that_python_parses() {
    let site = site();
    let eml = site.path("ann.eml");
    let run = site.run([
        "announce",
        "granite-7b-lab",
        "versioned",
        "1.0.0",
        "--eml",
        eml.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("Subject: "),
        "the plain text still prints"
    );
    let bytes = std::fs::read(&eml).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    assert!(text.lines().all(|l| l.trim_end_matches('\r').len() <= 998));

    // The same input gives the same message.
    site.run([
        "announce",
        "granite-7b-lab",
        "versioned",
        "1.0.0",
        "--eml",
        eml.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&eml).unwrap(), bytes);

    let script = r#"
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.strict)
assert not msg.defects, msg.defects
for k, v in msg.items():
    assert not v.defects, (k, v.defects)
print("From:", msg["From"])
print("To:", msg["To"])
print("Subject:", msg["Subject"])
print("Date:", msg["Date"].datetime.isoformat())
print("Message-ID:", msg["Message-ID"])
print("MIME-Version:", msg["MIME-Version"])
print("Type:", msg.get_content_type(), msg.get_content_charset())
body = msg.get_content()
print("Body:", body.splitlines()[0])
print("Has page:", "https://releases.example.org/granite-7b-lab/versioned/1.0.0/" in body)
"#;
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&eml)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipping the Python check of the .eml: python3 not found ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "From: CMB release team <release-team@example.org>\n\
         To: announce@example.org\n\
         Subject: [ANN] Granite 7B Lab 1.0.0 released\n\
         Date: 2025-05-25T00:00:00+00:00\n\
         Message-ID: <release.granite-7b-lab.versioned.1.0.0@releases.example.org>\n\
         MIME-Version: 1.0\n\
         Type: text/plain utf-8\n\
         Body: Granite 7B Lab 1.0.0 is out on the Versioned channel, promoted from\n\
         Has page: True\n"
    );
}

#[test]
fn announce_encodes_a_non_ascii_subject() {
    let mut site = site();
    let config = site.read("cadence.toml").replace(
        "title = \"Granite 7B Lab\"",
        "title = \"Granite 7B Lab – Édition\"",
    );
    site.write("cadence.toml", &config);
    let run = site.run([
        "announce",
        "granite-7b-lab",
        "versioned",
        "skip-2025-03-02",
        "--eml",
        "-",
    ]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("From: "),
        "--eml - writes the message alone to stdout"
    );
    assert!(run.stdout.contains("Subject: =?utf-8?B?"), "{}", run.stdout);
    assert!(run.stdout.contains(
        "Message-ID: <skip.granite-7b-lab.versioned.2025-03-02@releases.example.org>\r\n"
    ));
    let script = "import email, email.policy, sys\nmsg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.strict)\nprint(msg['Subject'])";
    if let Ok(mut child) = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(run.stdout.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "[ANN] Granite 7B Lab – Édition: versioned release of 2025-03-02 skipped\n"
        );
    }
}

#[test]
fn announce_eml_without_announce_config_is_exit_2_but_still_prints() {
    let mut site = site();
    let config = site.read("cadence.toml").replace(
        "[announce]\nto = \"announce@example.org\"\nfrom = \"CMB release team <release-team@example.org>\"\n",
        "",
    );
    assert!(!config.contains("[announce]"));
    site.write("cadence.toml", &config);
    let run = site.run([
        "announce",
        "granite-7b-lab",
        "versioned",
        "1.0.0",
        "--eml",
        site.path("x.eml").to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{run:?}");
    assert!(
        run.stdout
            .starts_with("Subject: [ANN] Granite 7B Lab 1.0.0 released")
    );
    assert!(
        run.stderr.contains("--eml needs the mailing list"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[announce]"));
    assert!(!site.path("x.eml").exists());
}

#[test]
fn announce_refuses_unknown_targets_and_sites_with_errors() {
    let mut site = site();
    for (args, message) in [
        (
            vec!["announce", "granite-7b-lab", "versioned", "1.2.0"],
            "granite-7b-lab has no release 1.2.0 on `versioned`; the newest are 1.1.0-rc.1, 1.0.0",
        ),
        (
            vec!["announce", "granite-7b-lab", "versioned", "skip-2025-06-02"],
            "there is no skip of slot 2025-06-02",
        ),
        (
            vec!["announce", "granite-7b-lab", "nightly", "1.0.0"],
            "`nightly` is not a channel",
        ),
    ] {
        let run = site.run(&args);
        assert_eq!(run.status, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    site.remove(&format!("{VERSIONED}/skip-2025-03-02.yaml"));
    let run = site.run(["announce", "granite-7b-lab", "versioned", "1.0.0"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stderr.contains("slot-missed"));
}

#[test]
fn announce_templates_are_overridden_from_the_site_theme() {
    let mut site = site();
    std::fs::create_dir_all(site.path("themes/default/templates/announce")).unwrap();
    site.write(
        "themes/default/templates/announce/skip.txt",
        "Subject: Skipping {{ skip.slot }}\n\n{{ skip.reason_text }}\n",
    );
    let run = site.run(["announce", "granite-7b-lab", "versioned", "skip-2025-03-02"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("Subject: Skipping 2025-03-02\n\nThe candidates built")
    );
    // The release template is still the built-in one.
    let run = site.run(["announce", "granite-7b-lab", "versioned", "1.0.0"]);
    assert!(
        run.stdout
            .starts_with("Subject: [ANN] Granite 7B Lab 1.0.0 released")
    );
}

/// The date `schedule` names on its `next:` line.
fn schedule_next(site: &SiteTest, today: &str) -> String {
    let run = on(site, today, &["schedule"]);
    assert_eq!(run.status, 0, "{run:?}");
    let line = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("next: "))
        .unwrap_or_else(|| panic!("no `next:` line in\n{}", run.stdout));
    line[..10].to_string()
}

/// `announce` names the slot `schedule` names as next, whatever it
/// announces: a skip of an earlier slot, the release that fulfilled the
/// first slot, or the skip of the next slot itself. Here, on 2025-02-25,
/// the slot 2025-03-02 is skipped (announced 2025-02-20) and its window
/// is still open: the next slot still to ship is 2025-06-02, not it.
#[test]
fn announce_names_the_next_slot_that_schedule_names() {
    let mut site = site();
    // Dated after 2025-02-25: not yet written on that day.
    site.remove(&format!("{STREAM}/2025-05-20.yaml"));
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    let today = "2025-02-25";
    assert_eq!(schedule_next(&site, today), "2025-06-02");
    for target in ["skip-2024-12-02", "skip-2025-03-02", "1.0.0"] {
        let run = on(
            &site,
            today,
            &["announce", "granite-7b-lab", "versioned", target],
        );
        assert_eq!(run.status, 0, "{run:?}");
        let next = run.stdout.split("\nNext\n----\n").nth(1).unwrap_or("");
        let text = next.replace('\n', " ");
        assert!(
            text.contains("2025-06-02 (window 2025-05-19 to 2025-06-16)"),
            "{target}: the mail's next slot is not schedule's:\n{}",
            run.stdout
        );
        assert!(!text.contains("2025-03-02"), "{target}:\n{}", run.stdout);
    }
    // A planned final for the next slot is named with it, as schedule does.
    site.write(
        &format!("{VERSIONED}/1.1.0.yaml"),
        "version: 1.1.0\ndate: 2025-06-03\nsummary: Planned.\nstatus: planned\n",
    );
    let run = on(
        &site,
        today,
        &["announce", "granite-7b-lab", "versioned", "skip-2025-03-02"],
    );
    assert!(
        run.stdout.replace('\n', " ").contains(
            "The next slot is 2025-06-02 (window 2025-05-19 to 2025-06-16): 1.1.0 is planned."
        ),
        "{}",
        run.stdout
    );
}
