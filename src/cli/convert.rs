//! `embedscape convert IN OUT`: read vectors in any supported format, write them in another.
//!
//! The output format comes from `--to` or, failing that, OUT's extension, so the common cases
//! (`.bin`, `.tsv`, `.txt`/`.vec`) need no flag.

use super::load::{TableArgs, load_with_options};
use anyhow::{Context, bail};
use embedscape::embeddings::formats::{Format, metadata_path_for, save};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug, Default)]
pub struct ConvertArgs {
    /// Vectors file to read: word2vec text or binary, fastText .vec, GloVe text or Projector TSV,
    /// plain or gzip (detected from the content unless --from is given).
    pub input: PathBuf,
    /// File to write. Projector TSV also writes the labels to OUT_STEM_metadata.tsv beside it.
    pub output: PathBuf,
    /// Output format: w2v-text, glove, w2v-binary or tsv. Default: from OUT's extension
    /// (.bin → w2v-binary, .tsv → tsv, .txt/.vec → w2v-text).
    #[arg(long, value_name = "FORMAT")]
    pub to: Option<Format>,
    /// Input format (w2v-text, glove, w2v-binary, tsv), to skip content detection.
    #[arg(long, value_name = "FORMAT")]
    pub from: Option<Format>,
    /// Replace invalid UTF-8 in words with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    // Tables and labels; `--metadata` is, for Projector TSV input, the labels file if not
    // IN_STEM_metadata.tsv or metadata.tsv beside IN.
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let to = output_format(&args.output, args.to)?;
    let started = Instant::now();
    let loaded = load_with_options(
        &args.input,
        embedscape::embeddings::formats::LoadOptions {
            format: args.from,
            ..args.table.options(args.lossy)
        },
    )?;
    let emb = &loaded.embeddings;
    // The error names the file already; the context adds only the format.
    save(emb, &args.output, to).with_context(|| format!("converting to {to}"))?;
    let extra = if to == Format::ProjectorTsv {
        format!(" (labels in {})", metadata_path_for(&args.output).display())
    } else {
        String::new()
    };
    eprintln!(
        "converted {} rows x {} dims: {} ({}) -> {} ({to}){extra} in {:.2} s",
        emb.len(),
        emb.dim(),
        args.input.display(),
        loaded.format,
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `--to` if given, else the format OUT's extension names.
fn output_format(output: &Path, to: Option<Format>) -> anyhow::Result<Format> {
    if let Some(format) = to {
        return Ok(format);
    }
    match Format::from_extension(output) {
        Some(format) => Ok(format),
        None => bail!(
            "cannot tell the output format from {:?}: use --to with one of {}, or an \
             extension .bin, .tsv, .txt or .vec",
            output.display().to_string(),
            Format::ALL.map(Format::name).join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_format_from_flag_or_extension() {
        let format = |path: &str, to| output_format(Path::new(path), to).ok();
        assert_eq!(format("a.bin", None), Some(Format::Word2VecBinary));
        assert_eq!(format("a.TSV", None), Some(Format::ProjectorTsv));
        assert_eq!(format("a.vec", None), Some(Format::Word2VecText));
        assert_eq!(
            format("a.txt", Some(Format::GloveText)),
            Some(Format::GloveText)
        );
        assert_eq!(format("a.out", None), None);
    }

    #[test]
    fn converts_text_to_binary_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "2 2\n巴黎 1 2\nx 0.5 -3\n").unwrap();
        let bin = dir.path().join("out.bin");
        run(ConvertArgs {
            input: input.clone(),
            output: bin.clone(),
            ..ConvertArgs::default()
        })
        .unwrap();
        let back = dir.path().join("back.vec");
        run(ConvertArgs {
            input: bin,
            output: back.clone(),
            ..ConvertArgs::default()
        })
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(back).unwrap(),
            "2 2\n巴黎 1 2\nx 0.5 -3\n"
        );
    }

    #[test]
    fn failed_tsv_conversion_keeps_both_old_files() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "2 2\na 1 2\nb 3 4\n").unwrap();
        let output = dir.path().join("out.tsv");
        let old_vectors = b"9\t9\n".to_vec();
        std::fs::write(&output, &old_vectors).unwrap();
        // The metadata file cannot be written (a directory is in its place).
        std::fs::create_dir(dir.path().join("out_metadata.tsv")).unwrap();
        let err = run(ConvertArgs {
            input,
            output: output.clone(),
            to: Some(Format::ProjectorTsv),
            ..ConvertArgs::default()
        })
        .unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("out_metadata.tsv"), "{message}");
        assert!(message.contains("is a directory"), "{message}");
        assert_eq!(message.matches("out_metadata.tsv").count(), 1, "{message}");
        assert_eq!(
            std::fs::read(&output).unwrap(),
            old_vectors,
            "old file untouched"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 3, "no temporary files left");
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_symlinks_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "1 2\na 1 2\n").unwrap();
        let target = dir.path().join("real.txt");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        run(ConvertArgs {
            input: input.clone(),
            output: link.clone(),
            ..ConvertArgs::default()
        })
        .unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "1 2\na 1 2\n");
        let null = Path::new("/dev/null");
        if null.exists() {
            run(ConvertArgs {
                input,
                output: null.to_path_buf(),
                to: Some(Format::Word2VecText),
                ..ConvertArgs::default()
            })
            .unwrap();
            assert!(
                !std::fs::metadata(null).unwrap().is_file(),
                "still a device"
            );
        }
    }

    #[test]
    fn errors_name_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("missing.txt");
        let err = run(ConvertArgs {
            input,
            output: dir.path().join("o.bin"),
            ..ConvertArgs::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("missing.txt"), "{err:#}");
    }
}
