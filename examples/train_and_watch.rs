//! Training and watching: `train::spawn` trains skip-gram vectors on a background thread while
//! this thread reads its events, printing progress and, at every snapshot, how consistent a
//! relation is (mean pairwise cosine of its tail − head offsets; 1 = parallel arrows), so the
//! relation can be seen forming as training goes on.
//!
//! Run (the bundled demo corpus, a few seconds in release):
//! `cargo run --release --example train_and_watch -- assets/corpus/demo.txt --save demo.vec`
//!
//! Arguments: `[CORPUS] [--relation NAME] [--save VECTORS]`. CORPUS defaults to the demo corpus
//! (pre-tokenised, one sentence a line); NAME to `国家→首都` from `assets/relations.tsv`;
//! `--save` writes the final vectors as word2vec text, ready for the other examples.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use embedscape::embeddings::formats::{Format, save};
use embedscape::space::{RelationPair, read_relations_tsv, score_relations};
use embedscape::train::{self, CorpusSource, Init, TrainConfig, TrainEvent, snapshot_words};

struct Args {
    corpus: PathBuf,
    relation: String,
    save: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        corpus: root.join("assets/corpus/demo.txt"),
        relation: "国家→首都".to_owned(),
        save: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--relation" => args.relation = it.next().context("--relation needs a NAME")?,
            "--save" => args.save = Some(it.next().context("--save needs a path")?.into()),
            flag if flag.starts_with("--") => bail!("unknown option {flag}"),
            _ => args.corpus = arg.into(),
        }
    }
    Ok(args)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let relations = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/relations.tsv");
    let pairs: Vec<RelationPair> = read_relations_tsv(&relations)?
        .into_iter()
        .filter(|p| p.relation == args.relation)
        .collect();
    if pairs.is_empty() {
        bail!(
            "no pairs of \"{}\" in {}",
            args.relation,
            relations.display()
        );
    }

    // Small vectors and few epochs: the relation forms within seconds on the demo corpus.
    let config = TrainConfig {
        dim: 50,
        epochs: 4,
        pre_tokenized: true,
        snapshot_every_words: 0, // about 50 snapshots over the run
        ..TrainConfig::default()
    };
    let handle = train::spawn(
        CorpusSource::File(args.corpus.clone()),
        config,
        Init::Random,
    )?;

    // Snapshot rows are a subset of the vocabulary (the most frequent words), in their own order.
    let mut snapshot_row_of: HashMap<String, usize> = HashMap::new();
    let mut consistencies = Vec::new();
    for event in handle.events.iter() {
        match event {
            TrainEvent::Started {
                vocab,
                snapshot_rows,
                total_words,
            } => {
                println!(
                    "{}: {} words in the vocabulary, {total_words} to train on",
                    args.corpus.display(),
                    vocab.len()
                );
                snapshot_row_of = snapshot_words(&vocab, &snapshot_rows)
                    .into_iter()
                    .enumerate()
                    .map(|(row, word)| (word, row))
                    .collect();
            }
            TrainEvent::Progress(p) => println!(
                "  {:5.1}%  {:.0} words/s  loss {}",
                100.0 * p.words_processed as f64 / p.total_words.max(1) as f64,
                p.words_per_sec,
                p.loss_window.map_or("-".to_owned(), |l| format!("{l:.3}"))
            ),
            TrainEvent::Snapshot(snapshot) => {
                let row_of = |word: &str| snapshot_row_of.get(word).copied();
                let scores = score_relations(snapshot.vectors.view(), &row_of, &pairs)?;
                let consistency = scores.first().and_then(|s| s.consistency);
                println!(
                    "snapshot {:2}  epoch {}  lr {:.4}  {} consistency {}",
                    snapshot.index,
                    snapshot.epoch,
                    snapshot.learning_rate,
                    args.relation,
                    consistency.map_or("-".to_owned(), |c| format!("{c:.3}"))
                );
                consistencies.extend(consistency);
            }
            TrainEvent::EpochFinished { epoch, loss } => println!(
                "epoch {epoch} done, mean loss {}",
                loss.map_or("-".to_owned(), |l| format!("{l:.3}"))
            ),
            TrainEvent::Finished {
                embeddings,
                cancelled,
            } => {
                if let Some(path) = &args.save
                    && !cancelled
                {
                    save(&embeddings, path, Format::Word2VecText)?;
                    println!("final vectors written to {}", path.display());
                }
            }
            TrainEvent::Failed(message) => bail!("training failed: {message}"),
        }
    }
    // The events channel closes when the run ends; join returns its final vectors or error.
    handle.join()?;
    if let (Some(first), Some(last)) = (consistencies.first(), consistencies.last()) {
        println!(
            "{} consistency: {first:.3} at the first snapshot, {last:.3} at the last",
            args.relation
        );
    }
    Ok(())
}
