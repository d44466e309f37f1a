//! End-to-end tests of the bridge subcommands on files these tests write: `timeline build`
//! (checkpoints of several formats, a bad one in the middle) and `compare` (a rotated copy
//! with one word moved, a broken anchors file).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(PathBuf::from(env!("CARGO_BIN_EXE_embedscape")))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn timeline_build_from_checkpoints_of_several_formats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // word2vec text with header, GloVe (no header, other order, lacks "c"), fastText .vec.
    std::fs::write(d.join("e1.txt"), "3 2\na 1 0\nb 0 1\nc 1 1\n").unwrap();
    std::fs::write(d.join("e2.glove"), "b 0 2\na 2 0\nz 5 5\n").unwrap();
    std::fs::write(d.join("e3.vec"), "3 2\nc 3 3\nb 0 3\na 3 0\n").unwrap();
    let out = run(
        &[
            "timeline",
            "build",
            "e1.txt",
            "e2.glove",
            "e3.vec",
            "-o",
            "run.timeline",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("3 frames (e1, e2, e3) of 2 words"),
        "{}",
        text(&out.stdout)
    );
    let timeline = embedscape::train::Timeline::load(&d.join("run.timeline")).unwrap();
    assert_eq!(timeline.words, vec!["a", "b"]);
    assert_eq!(timeline.frame_names(), vec!["e1", "e2", "e3"]);
    assert_eq!(
        timeline.snapshots[1].vectors.row(1).to_vec(),
        vec![0.0, 2.0]
    );

    std::fs::write(d.join("e2.glove"), "b 0 2\na 2\n").unwrap();
    let out = run(
        &[
            "timeline",
            "build",
            "e1.txt",
            "e2.glove",
            "e3.vec",
            "-o",
            "bad.timeline",
        ],
        d,
    );
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("checkpoint 2 of 3") && stderr.contains("e2.glove"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!d.join("bad.timeline").exists());
}

#[test]
fn compare_ranks_the_moved_word_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let words = [
        "north", "south", "east", "west", "up", "down", "left", "right",
    ];
    let vector = |i: usize| {
        let t = i as f32 * 0.7;
        [t.cos(), t.sin(), 0.3 * (i as f32 - 3.5)]
    };
    let mut a = format!("{} 3\n", words.len());
    let mut b = format!("{} 3\n", words.len());
    for (i, w) in words.iter().enumerate() {
        let v = vector(i);
        // B = A rotated 90° about the third axis; "east" moves onto "right".
        let u = if *w == "east" { vector(7) } else { v };
        a.push_str(&format!("{w} {} {} {}\n", v[0], v[1], v[2]));
        b.push_str(&format!("{w} {} {} {}\n", -u[1], u[0], u[2]));
    }
    std::fs::write(d.join("a.txt"), a).unwrap();
    std::fs::write(d.join("b.txt"), b).unwrap();
    let out = run(
        &["compare", "a.txt", "b.txt", "-k", "2", "-o", "moved.tsv"],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tsv = std::fs::read_to_string(d.join("moved.tsv")).unwrap();
    let first = tsv.lines().nth(1).unwrap();
    assert!(first.starts_with("east\teast\t"), "{tsv}");
    assert_eq!(tsv.lines().count(), words.len() + 1);

    std::fs::write(d.join("pairs.tsv"), "north\tnorth\nsouth\n").unwrap();
    let out = run(&["compare", "a.txt", "b.txt", "--anchors", "pairs.tsv"], d);
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("pairs.tsv:2:"), "{stderr}");
}
