//! How many pairs of each built-in relation set a corpus contains: reads the corpus with the
//! library's own tokenizer and vocabulary builder (as `train` does), then matches the built-in
//! sets against that vocabulary, as the viewer does when it loads a corpus.
//!
//! Run: `cargo run --release --no-default-features --example relation_coverage -- CORPUS
//! [--pre-tokenized] [--min-count N] [--relations FILE.tsv]...`
//!
//! Prints the corpus size (tokens, distinct words, words kept at `--min-count`, default 5 like
//! `train`) and, per set, pairs found / listed, whether the set would be loaded (at least
//! `MIN_FOUND_PAIRS` found) and up to eight found pairs.
//!
//! With `--vectors FILE` (vectors trained on that corpus, any format `load` reads), it also
//! prints for every loaded set the three figures the viewer shows: consistency in the full
//! space, on-screen parallelism in the PCA view, and on-screen parallelism in the relation lens.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use embedscape::corpus::{CorpusSource, Tokenizer, VocabLimits, encode_corpus};
use embedscape::embeddings::formats::{LoadOptions, load};
use embedscape::space::{
    MIN_FOUND_PAIRS, PcaOptions, SourcedPairs, builtin_relation_pairs, fit_pca3,
    full_space_consistency, match_relation_sets, on_screen_parallelism, read_user_relations,
    relation_lens,
};

struct Args {
    corpus: PathBuf,
    pre_tokenized: bool,
    min_count: u64,
    user_relations: Vec<PathBuf>,
    vectors: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut corpus = None;
    let mut pre_tokenized = false;
    let mut min_count = 5;
    let mut user_relations = Vec::new();
    let mut vectors = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pre-tokenized" => pre_tokenized = true,
            "--min-count" => {
                let value = args.next().context("--min-count needs a number")?;
                min_count = value.parse().context("--min-count needs a number")?;
            }
            "--relations" => user_relations.push(PathBuf::from(
                args.next().context("--relations needs a file")?,
            )),
            "--vectors" => {
                vectors = Some(PathBuf::from(
                    args.next().context("--vectors needs a file")?,
                ))
            }
            _ if corpus.is_none() && !arg.starts_with("--") => corpus = Some(PathBuf::from(arg)),
            _ => bail!("unexpected argument {arg:?}"),
        }
    }
    Ok(Args {
        corpus: corpus.context(
            "usage: relation_coverage CORPUS [--pre-tokenized] [--min-count N] [--relations FILE]",
        )?,
        pre_tokenized,
        min_count,
        user_relations,
        vectors,
    })
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let source = CorpusSource::File(args.corpus.clone());
    let mut tokenizer = Tokenizer::new(true, args.pre_tokenized);
    let all = encode_corpus(
        &source,
        &mut tokenizer,
        VocabLimits {
            min_count: 1,
            max_vocab: None,
        },
        false,
    )?;
    let kept = all
        .vocab
        .counts()
        .map_or(0, |c| c.iter().filter(|&&n| n >= args.min_count).count());
    println!(
        "{}: {} tokens, {} distinct words, {} with count >= {}",
        args.corpus.display(),
        all.raw_words,
        all.vocab.len(),
        kept,
        args.min_count
    );
    // The vocabulary training would keep (counts sorted, so a prefix of the full one).
    let words: Vec<String> = all.vocab.words()[..kept].to_vec();
    let vocab = embedscape::embeddings::Vocab::new(words)?;
    let mut sources = builtin_relation_pairs()?;
    for path in &args.user_relations {
        sources.push(read_user_relations(path)?);
    }
    let sets = match_relation_sets(&vocab, &sources);
    println!("set\tfound\tlisted\tloaded\texamples");
    for set in &sets {
        let examples: Vec<String> = set
            .found
            .iter()
            .take(8)
            .map(|p| format!("{}→{}", p.head, p.tail))
            .collect();
        println!(
            "{}\t{}\t{}\t{}\t{}",
            set.name,
            set.found.len(),
            set.found.len() + set.missing_count(),
            if set.found.len() >= MIN_FOUND_PAIRS {
                "yes"
            } else {
                "no"
            },
            examples.join(" ")
        );
    }
    if let Some(path) = &args.vectors {
        report_vectors(path, &sources)?;
    }
    Ok(())
}

/// Full-space consistency and on-screen parallelism (PCA view, relation lens) of every set
/// loaded for the vectors' own vocabulary.
fn report_vectors(path: &std::path::Path, sources: &[SourcedPairs]) -> Result<()> {
    let loaded = load(path, &LoadOptions::default())
        .with_context(|| format!("loading {}", path.display()))?;
    let emb = loaded.embeddings;
    let matrix = emb.matrix().view();
    let pca = fit_pca3(matrix, &PcaOptions::default())?;
    let pca_coords = pca.project(matrix);
    println!(
        "\n{}: {} words x {} dims",
        path.display(),
        emb.len(),
        emb.dim()
    );
    println!("set\tpairs\tconsistency\tpca_parallelism\tlens_parallelism");
    for set in match_relation_sets(emb.vocab(), sources) {
        if !set.is_usable() {
            continue;
        }
        let pairs = set.row_pairs();
        let show = |v: Option<f32>| v.map_or("-".to_owned(), |v| format!("{v:.3}"));
        let lens = relation_lens(matrix, &pairs)?;
        let lens_coords = lens.project(matrix)?;
        println!(
            "{}\t{}\t{}\t{}\t{}",
            set.name,
            pairs.len(),
            show(full_space_consistency(matrix, &pairs)?),
            show(on_screen_parallelism(pca_coords.view(), &pairs)?),
            show(on_screen_parallelism(lens_coords.view(), &pairs)?),
        );
    }
    Ok(())
}
