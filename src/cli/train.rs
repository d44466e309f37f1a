//! `embedscape train`: train skip-gram / CBOW vectors on a text corpus, with a progress bar,
//! optional timeline file (all snapshots) and a final summary.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};

use embedscape::atomic_file::check_writable;
use embedscape::embeddings::formats::{Format, metadata_path_for, save};

use super::load::load_vectors;
use embedscape::train::{
    CorpusSource, Init, Precision, TimelineRecorder, TrainConfig, TrainControl, TrainEvent, train,
};

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// UTF-8 text corpus, one sentence or paragraph per line.
    pub corpus: PathBuf,
    /// Where to write the trained vectors.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Output format of the vectors: w2v-text, w2v-binary, glove or tsv (Projector; labels go
    /// to NAME_metadata.tsv beside it).
    #[arg(long, default_value = "w2v-text")]
    pub format: Format,
    /// Vector dimension.
    #[arg(long, default_value_t = 100)]
    pub dim: usize,
    /// Maximum distance between a word and its context words.
    #[arg(long, default_value_t = 5)]
    pub window: usize,
    /// Negative samples per (word, context) pair.
    #[arg(long, default_value_t = 5)]
    pub negative: usize,
    /// Ignore words occurring fewer times than this.
    #[arg(long, default_value_t = 5)]
    pub min_count: u64,
    /// Keep only the N most frequent words.
    #[arg(long)]
    pub max_vocab: Option<usize>,
    /// Subsampling threshold for frequent words (0 disables).
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    pub sample: f64,
    /// Passes over the corpus.
    #[arg(long, default_value_t = 5)]
    pub epochs: usize,
    /// Initial learning rate (a positive number).
    // Negative numbers are parsed (not taken for flags) so validation can say what is wrong.
    #[arg(long, default_value_t = 0.025, allow_negative_numbers = true)]
    pub alpha: f32,
    /// Final learning rate (>= 0, at most --alpha).
    #[arg(long, default_value_t = 1e-4, allow_negative_numbers = true)]
    pub min_alpha: f32,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Random seed (runs with --threads 1 are exactly reproducible).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Train CBOW instead of skip-gram.
    #[arg(long)]
    pub cbow: bool,
    /// Draw fresh noise words for every (word, context) pair, exactly as word2vec.c and gensim
    /// (about half the speed). By default a center word's noise words are shared by its context
    /// pairs, which measured the same quality.
    #[arg(long)]
    pub per_pair_negatives: bool,
    /// The corpus is already tokenised: split on whitespace only.
    #[arg(long)]
    pub pre_tokenized: bool,
    /// Keep the case of words (default: lowercase).
    #[arg(long)]
    pub no_lowercase: bool,
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy_utf8: bool,
    /// Initial vectors: random, gaussian:STD, or pretrained:FILE (FILE: word2vec text or binary,
    /// fastText .vec, GloVe text or Projector TSV, plain or gzip).
    #[arg(long, default_value = "random")]
    pub init: String,
    /// With --init pretrained:FILE, never update the pretrained rows.
    #[arg(long)]
    pub freeze_pretrained: bool,
    /// Also save every snapshot of the run to this timeline file (replay it in the viewer).
    #[arg(long)]
    pub timeline: Option<PathBuf>,
    /// Store timeline vectors as f16 (half the size).
    #[arg(long)]
    pub timeline_f16: bool,
    /// Take a snapshot every N processed words (0 = about 50 over the run).
    #[arg(long, default_value_t = 0)]
    pub snapshot_every: u64,
    /// With --timeline: snapshots (and the timeline) hold the N most frequent words. Without
    /// --timeline no snapshots are kept, so this does not limit --dim.
    #[arg(long, default_value_t = embedscape::train::DEFAULT_SNAPSHOT_MAX_WORDS)]
    pub snapshot_words: usize,
}

impl TrainArgs {
    fn config(&self) -> TrainConfig {
        TrainConfig {
            dim: self.dim,
            window: self.window,
            negative: self.negative,
            min_count: self.min_count,
            max_vocab: self.max_vocab,
            sample: self.sample,
            alpha: self.alpha,
            min_alpha: self.min_alpha,
            epochs: self.epochs,
            threads: self.threads,
            seed: self.seed,
            cbow: self.cbow,
            shared_negatives: !self.per_pair_negatives,
            snapshot_every_words: self.snapshot_every,
            // Without a timeline only each snapshot's loss is used: one row is enough, and the
            // trainer's snapshot-memory limit then cannot refuse a large --dim.
            snapshot_max_words: if self.timeline.is_some() {
                self.snapshot_words
            } else {
                self.snapshot_words.min(1)
            },
            // Without a timeline the snapshots are dropped as they arrive.
            keep_snapshots: self.timeline.is_some(),
            freeze_pretrained: self.freeze_pretrained,
            lowercase: !self.no_lowercase,
            pre_tokenized: self.pre_tokenized,
            lossy_utf8: self.lossy_utf8,
            ..TrainConfig::default()
        }
    }
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let config = args.config();
    config.validate()?;
    if args.freeze_pretrained && !args.init.starts_with("pretrained:") {
        bail!("--freeze-pretrained needs --init pretrained:FILE");
    }
    check_outputs_writable(&args)?;
    let init = parse_init(&args.init)?;
    let params_json = serde_json::to_string(&config).context("serialising the parameters")?;
    let mut recorder = args.timeline.is_some().then(TimelineRecorder::new);

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {percent:>3}% epoch {prefix} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("reading corpus…");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));

    let started = Instant::now();
    let mut vocab_size = 0usize;
    let mut last_loss: Option<f32> = None;
    let mut epoch_losses: Vec<Option<f32>> = Vec::new();
    let mut last_words_per_sec = 0.0f64;
    let mut report = |event: TrainEvent| match event {
        TrainEvent::Started {
            vocab, total_words, ..
        } => {
            vocab_size = vocab.len();
            bar.set_length(total_words);
            bar.println(format!(
                "vocabulary: {} words; {} words to train ({} epochs)",
                vocab.len(),
                total_words,
                config.epochs
            ));
        }
        TrainEvent::Progress(p) => {
            bar.set_position(p.words_processed);
            bar.set_prefix(format!(
                "{}/{}",
                (p.epoch + 1).min(config.epochs),
                config.epochs
            ));
            last_words_per_sec = p.words_per_sec;
            let loss = p.loss_window.map_or("-".to_owned(), |l| format!("{l:.4}"));
            let eta = p.eta_secs.map_or("-".to_owned(), |s| format!("{s:.0}s"));
            bar.set_message(format!(
                "{:.0}k words/s  loss {loss}  lr {:.5}  eta {eta}",
                p.words_per_sec / 1e3,
                p.learning_rate
            ));
        }
        TrainEvent::Snapshot(s) => {
            if let Some(l) = s.loss {
                last_loss = Some(l);
            }
        }
        TrainEvent::EpochFinished { epoch, loss } => {
            epoch_losses.push(loss);
            let loss = loss.map_or("-".to_owned(), |l| format!("{l:.4}"));
            bar.println(format!("epoch {}: mean loss {loss}", epoch + 1));
        }
        TrainEvent::Finished { .. } | TrainEvent::Failed(_) => {}
    };
    let mut on_event = |event: TrainEvent| {
        if let Some(recorder) = &mut recorder {
            recorder.observe(&event);
        }
        report(event);
    };
    let corpus = CorpusSource::File(args.corpus.clone());
    let result = train(
        corpus,
        config.clone(),
        init,
        TrainControl::new(),
        &mut on_event,
    );
    bar.finish_and_clear();
    let embeddings = result.with_context(|| format!("training on {}", args.corpus.display()))?;
    let duration_secs = started.elapsed().as_secs_f64();

    // The error names the file already.
    save(&embeddings, &args.output, args.format)?;
    if let (Some(path), Some(recorder)) = (&args.timeline, recorder) {
        let precision = if args.timeline_f16 {
            Precision::F16
        } else {
            Precision::F32
        };
        let timeline = recorder.finish(params_json)?;
        timeline.save(path, precision)?;
        println!(
            "timeline: {} snapshots of {} words → {}",
            timeline.snapshots.len(),
            timeline.words.len(),
            path.display()
        );
    }
    let loss = last_loss.map_or("-".to_owned(), |l| format!("{l:.4}"));
    println!(
        "trained {} words x {} dims in {:.1} s ({:.0} words/s); final loss {loss} → {}",
        vocab_size,
        embeddings.dim(),
        duration_secs,
        last_words_per_sec,
        args.output.display()
    );
    Ok(())
}

/// Fails now, before any training, if an output file could not be written afterwards.
fn check_outputs_writable(args: &TrainArgs) -> anyhow::Result<()> {
    let mut outputs = vec![args.output.clone()];
    if args.format == Format::ProjectorTsv {
        outputs.push(metadata_path_for(&args.output));
    }
    outputs.extend(args.timeline.clone());
    for path in outputs {
        check_writable(&path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn parse_init(spec: &str) -> anyhow::Result<Init> {
    if spec == "random" {
        return Ok(Init::Random);
    }
    if let Some(std) = spec.strip_prefix("gaussian:") {
        let std: f32 = std
            .parse()
            .with_context(|| format!("--init {spec}: bad STD"))?;
        return Ok(Init::Gaussian { std });
    }
    if let Some(file) = spec.strip_prefix("pretrained:") {
        return Ok(Init::Pretrained(load_vectors(
            Path::new(file),
            Default::default(),
        )?));
    }
    bail!("--init must be random, gaussian:STD or pretrained:FILE, got {spec:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: TrainArgs,
    }

    fn parse(argv: &[&str]) -> Result<TrainArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("train").chain(argv.iter().copied())).map(|c| c.args)
    }

    #[test]
    fn negative_alpha_reaches_validation() {
        let args = parse(&["c.txt", "-o", "v.txt", "--alpha", "-0.025"]).unwrap();
        assert_eq!(args.alpha, -0.025);
        let err = run(args).unwrap_err().to_string();
        assert!(err.contains("alpha") && err.contains("-0.025"), "{err}");
    }

    #[test]
    fn unwritable_output_fails_before_training() {
        let dir = tempfile::tempdir().unwrap();
        // The corpus does not exist either: the output is checked first, so training (which
        // would fail on the corpus) never starts.
        let corpus = dir.path().join("missing-corpus.txt");
        let output = dir.path().join("no-such-dir/v.txt");
        let args = parse(&[corpus.to_str().unwrap(), "-o", output.to_str().unwrap()]).unwrap();
        let err = format!("{:#}", run(args).unwrap_err());
        assert!(
            err.contains("cannot write") && err.contains("no-such-dir"),
            "{err}"
        );
        assert!(!err.contains("missing-corpus"), "{err}");
    }

    #[test]
    fn no_timeline_keeps_no_snapshot_rows() {
        let args = parse(&["c.txt", "-o", "v.txt", "--dim", "100000"]).unwrap();
        let config = args.config();
        assert_eq!(config.snapshot_max_words, 1);
        assert!(!config.keep_snapshots);
        config.validate().unwrap();
        let with_timeline = parse(&[
            "c.txt",
            "-o",
            "v.txt",
            "--timeline",
            "t.bin",
            "--snapshot-words",
            "500",
        ])
        .unwrap();
        assert_eq!(with_timeline.config().snapshot_max_words, 500);
        assert!(with_timeline.config().keep_snapshots);
    }

    #[test]
    fn trains_with_dim_100000_without_timeline() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c.txt");
        std::fs::write(&corpus, "a b c d e f g h\n".repeat(20)).unwrap();
        let output = dir.path().join("v.txt");
        let args = parse(&[
            corpus.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--dim",
            "100000",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--threads",
            "1",
        ])
        .unwrap();
        run(args).unwrap();
        let written = std::fs::read_to_string(&output).unwrap();
        assert!(written.starts_with("8 100000\n"), "{}", &written[..20]);
    }

    /// Run by `a_run_too_large_for_the_address_space_is_refused_not_aborted` in a child
    /// process under an address-space limit; ignored otherwise.
    #[test]
    #[ignore = "run in a child process under ulimit -v"]
    fn child_trains_dim_100000_on_3000_words() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c.txt");
        let words: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
        std::fs::write(&corpus, format!("{}\n", words.join(" "))).unwrap();
        let output = dir.path().join("v.txt");
        let args = parse(&[
            corpus.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--dim",
            "100000",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--threads",
            "1",
        ])
        .unwrap();
        // 3000 x 100000 x 4 bytes = 1.2 GB a matrix, two of them: beyond a 1 GB limit.
        let err = format!("{:#}", run(args).unwrap_err());
        println!("refused: {err}");
    }

    #[test]
    fn a_run_too_large_for_the_address_space_is_refused_not_aborted() {
        let exe = std::env::current_exe().unwrap();
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1000000 && exec \"$0\" \"$@\"")
            .arg(exe)
            .args([
                "--exact",
                "cli::train::tests::child_trains_dim_100000_on_3000_words",
                "--ignored",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&child.stdout);
        let stderr = String::from_utf8_lossy(&child.stderr);
        // Before: "memory allocation of … bytes failed" and SIGABRT.
        assert!(
            child.status.success(),
            "{:?}\n{stdout}\n{stderr}",
            child.status
        );
        assert!(stdout.contains("refused: training"), "{stdout}");
        assert!(stdout.contains("needs about 2,4"), "{stdout}");
        assert!(
            stdout.contains("input vectors (3000 words x 100000 dimensions"),
            "{stdout}"
        );
        assert!(stdout.contains("ulimit -v"), "{stdout}");
    }
}
