//! `embedscape convert IN OUT`: read vectors in any supported format, write them in another.
//!
//! The output format comes from `--to` or, failing that, OUT's extension, so the common cases
//! (`.bin`, `.tsv`, `.txt`/`.vec`) need no flag.

use super::load::load_with_options;
use anyhow::{Context, bail};
use embedscape::embeddings::formats::{Format, LoadOptions, metadata_path_for, save};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug, Default)]
pub struct ConvertArgs {
    /// Vectors file to read (its format is detected from the content unless --from is given).
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
    /// Projector TSV input only: the metadata (labels) file, if not IN_STEM_metadata.tsv or
    /// metadata.tsv beside IN.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
}

pub fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let to = output_format(&args.output, args.to)?;
    let started = Instant::now();
    let loaded = load_with_options(
        &args.input,
        LoadOptions {
            lossy: args.lossy,
            format: args.from,
            metadata: args.metadata,
            progress: None,
        },
    )?;
    let emb = &loaded.embeddings;
    save(emb, &args.output, to)
        .with_context(|| format!("cannot write {} as {to}", args.output.display()))?;
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
