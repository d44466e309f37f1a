//! `embedscape project`: PCA or UMAP to 3D (+ k-means clusters) written as `word x y z cluster`
//! TSV, with how well the view keeps each word's neighbours (neighbour preservation and
//! trustworthiness at k = 10, each sampled word ranked against all words) and how long each
//! step took. The quality sample is sized so that measuring costs about as much as a PCA fit
//! (see [`quality_queries`]); `--quality-queries` overrides it.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context;
use embedscape::atomic_file::write_atomically;
use embedscape::space::{
    KMeansOptions, NeighborSearch, PcaOptions, PcaSolver, QualityOptions, UmapOptions, UmapStage,
    fit_pca3, kmeans_clusters, projection_quality, relation_sets_for_vocab, resolve_axes,
    semantic_axes, umap_3d, write_coords_tsv,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::Array2;

use super::load::{TableArgs, load_with_options};

/// Projection method.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    /// Principal components (linear; axes keep the most variance).
    #[default]
    Pca,
    /// UMAP on the cosine 15-NN graph (non-linear; keeps neighbourhoods).
    Umap,
    /// The table's own layout: its x, y (and z) columns, or --coords-columns (centred and
    /// scaled to unit RMS radius like the others; z = 0 for two columns). Clusters and the
    /// quality figures are computed for it as for any layout.
    Given,
}

/// UMAP's neighbour graph (mirrors the library's `NeighborSearch`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GraphChoice {
    #[default]
    Auto,
    Exact,
    Approximate,
}

#[derive(clap::Args, Default)]
pub struct ProjectArgs {
    /// Vectors file: word2vec text or binary, fastText .vec, GloVe text or Projector TSV, plain or
    /// gzip (detected from the content); pipes such as /dev/stdin work too.
    #[arg(long)]
    pub vectors: PathBuf,
    /// Output TSV (header `word x y z cluster`), written atomically.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Projection method.
    #[arg(long, value_enum, default_value_t = Method::Pca)]
    pub method: Method,
    /// Semantic axes instead of PCA/UMAP: `X[,Y]`, each the direction from one word to another
    /// (`man>woman`, `man->woman`, `man→woman` or `man:woman`; quote it in a shell, where an
    /// unquoted `>` redirects: --axes 'man>woman') or the name of a relation set found in the
    /// vocabulary (its mean offset, e.g. `国家→首都`, `country→capital`); the remaining axes
    /// come from PCA with those directions removed.
    #[arg(long, value_name = "X[,Y]")]
    pub axes: Option<String>,
    /// Relations TSV (head, tail, relation) added to the built-in sets `--axes` can name.
    #[arg(long, value_name = "FILE")]
    pub relations: Option<PathBuf>,
    /// Number of k-means clusters (default: clamp(round(sqrt(n/2)), 2, 12)); 0 = no clustering.
    #[arg(long)]
    pub clusters: Option<usize>,
    /// PCA: fit on at most this many randomly sampled rows (all rows are projected).
    #[arg(long, default_value_t = 50_000)]
    pub max_fit_rows: usize,
    /// UMAP: neighbourhood size (the word itself included).
    #[arg(long, default_value_t = 15)]
    pub neighbors: usize,
    /// UMAP: how tightly points may pack.
    #[arg(long, default_value_t = 0.1)]
    pub min_dist: f32,
    /// UMAP: optimisation epochs (default 500 up to 10,000 words, 200 up to 200,000, 100 above).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// UMAP: neighbour graph, exact (O(n²)) or approximate (NN-descent); `auto` is exact below
    /// 10,000 words.
    #[arg(long, value_enum, default_value_t = GraphChoice::Auto)]
    pub neighbor_graph: GraphChoice,
    /// UMAP: from 20,000 words on, start from a UMAP of this many evenly spaced words with the
    /// others placed at their most similar one, as the window does to show a layout within
    /// seconds (2048 there); 0 = start from PCA. Same neighbourhoods, a few seconds more.
    #[arg(long, default_value_t = 0, value_name = "WORDS")]
    pub sample_start: usize,
    /// Seed for the PCA row sample, UMAP and k-means.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Skip the neighbour-preservation figures.
    #[arg(long)]
    pub no_quality: bool,
    /// Words sampled for the neighbour-preservation figures (default: 2,000 on small sets,
    /// fewer on large ones, at least 200), each ranked against all words.
    #[arg(long)]
    pub quality_queries: Option<usize>,
    /// Replace invalid UTF-8 in the file instead of failing.
    #[arg(long)]
    pub lossy: bool,
    #[command(flatten)]
    pub table: TableArgs,
    /// With --method given: the 2 or 3 numeric columns holding the layout (`x,y` or `x,y,z`;
    /// default x, y and z if there is one).
    #[arg(long, value_name = "X,Y[,Z]", value_parser = super::view::parse_coords_columns)]
    pub coords_columns: Option<super::view::CoordsColumns>,
}

pub fn run(args: ProjectArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.coords_columns.is_none() || args.method == Method::Given,
        "--coords-columns goes with --method given"
    );
    let loaded = load_with_options(&args.vectors, args.table.options(args.lossy))?;
    let emb = loaded.embeddings;
    let matrix = emb.matrix().view();
    let started = Instant::now();
    let (coords_3d, summary) = match (&args.axes, args.method) {
        (Some(spec), _) => axes(&args, &emb, spec)?,
        (None, Method::Pca) => pca(&args, matrix)?,
        (None, Method::Umap) => umap(&args, matrix)?,
        (None, Method::Given) => given(&args, loaded.metadata.as_ref(), emb.len())?,
    };
    let projection_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let labels = match args.clusters {
        Some(0) => Vec::new(),
        k => {
            let kopts = KMeansOptions {
                k,
                seed: args.seed,
                ..Default::default()
            };
            kmeans_clusters(matrix, &kopts).context("k-means")?.labels
        }
    };
    let kmeans_secs = started.elapsed().as_secs_f64();
    write_atomically(&args.output, |w| {
        write_coords_tsv(w, emb.words(), coords_3d.view(), &labels)
    })
    .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "{} words → {}; {summary} in {projection_secs:.2} s; k-means {kmeans_secs:.2} s",
        emb.len(),
        args.output.display()
    );
    if !args.no_quality {
        let qopts = QualityOptions {
            seed: args.seed,
            max_sample_rows: args
                .quality_queries
                .unwrap_or_else(|| quality_queries(matrix.nrows(), matrix.ncols())),
            ..Default::default()
        };
        let started = Instant::now();
        match projection_quality(matrix, coords_3d.view(), &qopts) {
            Ok(q) => eprintln!(
                "neighbour preservation@{k} {:.1}%, trustworthiness@{k} {:.3} \
                 ({} sampled words against all {}, {:.2} s)",
                q.neighbor_preservation * 100.0,
                q.trustworthiness,
                q.sampled_rows,
                matrix.nrows(),
                started.elapsed().as_secs_f64(),
                k = q.k
            ),
            Err(e) => eprintln!("quality not measured: {e}"),
        }
    }
    Ok(())
}

/// Words sampled for the quality figures: each one is ranked against all N rows of D values,
/// so the cost is queries x N x D. Capped at 2,000 and at a budget of 1e10 multiply-adds
/// (about what fitting the PCA costs), never below 200 (a ±3 % standard error on the
/// preservation figure at worst).
fn quality_queries(rows: usize, dims: usize) -> usize {
    const BUDGET_MULTIPLY_ADDS: f64 = 1e10;
    let affordable = BUDGET_MULTIPLY_ADDS / (rows.max(1) as f64 * dims.max(1) as f64);
    (affordable as usize).clamp(200, 2000)
}

/// Semantic axes (or a relation's lens when the spec names one relation), resolved against the
/// built-in relation sets and the user's file.
fn axes(
    args: &ProjectArgs,
    emb: &embedscape::embeddings::Embeddings,
    spec: &str,
) -> anyhow::Result<(Array2<f32>, String)> {
    let files: Vec<PathBuf> = args.relations.iter().cloned().collect();
    let sets = relation_sets_for_vocab(emb.vocab(), &files)?;
    let (x, y) = resolve_axes(spec, emb.vocab(), &sets)?;
    let opts = PcaOptions {
        max_fit_rows: args.max_fit_rows,
        seed: args.seed,
    };
    let basis = semantic_axes(emb.matrix().view(), &x, y.as_ref(), &opts)
        .with_context(|| format!("axes {spec:?}"))?;
    let coords = basis.project(emb.matrix().view())?;
    let [a, b, c] = basis.variance_shares;
    let summary = format!(
        "semantic axes {spec}: variance x {:.1}%, y {:.1}%, z {:.1}%",
        a * 100.0,
        b * 100.0,
        c * 100.0
    );
    Ok((coords, summary))
}

/// The table's own coordinates (see `Method::Given`).
fn given(
    args: &ProjectArgs,
    metadata: Option<&embedscape::embeddings::Metadata>,
    rows: usize,
) -> anyhow::Result<(Array2<f32>, String)> {
    let empty = embedscape::embeddings::Metadata::new(rows);
    let metadata = metadata.unwrap_or(&empty);
    let names: Vec<&str> = match &args.coords_columns {
        Some(super::view::CoordsColumns(names)) => names.iter().map(String::as_str).collect(),
        None if metadata.numbers("z").is_some() => vec!["x", "y", "z"],
        None => vec!["x", "y"],
    };
    let given = embedscape::space::given_coords(metadata, &names).with_context(|| {
        format!(
            "{}: the layout as given ({})",
            args.vectors.display(),
            names.join(",")
        )
    })?;
    let summary = format!(
        "as given (columns {}{})",
        names.join(", "),
        if given.flat { ", flat" } else { "" }
    );
    Ok((given.coords_3d, summary))
}

fn pca(
    args: &ProjectArgs,
    matrix: ndarray::ArrayView2<f32>,
) -> anyhow::Result<(Array2<f32>, String)> {
    let opts = PcaOptions {
        max_fit_rows: args.max_fit_rows,
        seed: args.seed,
    };
    let pca = fit_pca3(matrix, &opts).context("PCA")?;
    let [a, b, c] = pca.explained_variance_ratio;
    let solver = match pca.solver {
        PcaSolver::Lobpcg => "linfa-reduction LOBPCG",
        PcaSolver::Exact => "exact eigendecomposition",
        PcaSolver::ExactFallback => "exact eigendecomposition (LOBPCG fallback)",
    };
    let summary = format!(
        "PCA ({solver}, fitted on {} rows): explained variance x {:.1}%, y {:.1}%, z {:.1}% \
         (total {:.1}%)",
        matrix.nrows().min(args.max_fit_rows.max(2)),
        a * 100.0,
        b * 100.0,
        c * 100.0,
        (a + b + c) * 100.0
    );
    Ok((pca.project(matrix), summary))
}

fn umap(
    args: &ProjectArgs,
    matrix: ndarray::ArrayView2<f32>,
) -> anyhow::Result<(Array2<f32>, String)> {
    let opts = UmapOptions {
        n_neighbors: args.neighbors,
        min_dist: args.min_dist,
        n_epochs: args.epochs,
        neighbor_search: match args.neighbor_graph {
            GraphChoice::Auto => NeighborSearch::Auto,
            GraphChoice::Exact => NeighborSearch::Exact,
            GraphChoice::Approximate => NeighborSearch::Approximate,
        },
        sample_start_rows: args.sample_start,
        seed: args.seed,
        ..Default::default()
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let never = AtomicBool::new(false);
    let started = Instant::now();
    let mut graph_secs = None;
    let mut start_secs = None;
    let layout = umap_3d(matrix, &opts, None, &never, &mut |p| {
        let message = match p.stage {
            UmapStage::Sample => "sample",
            UmapStage::Neighbors => {
                start_secs.get_or_insert_with(|| started.elapsed().as_secs_f64());
                "neighbours"
            }
            UmapStage::Layout => {
                graph_secs.get_or_insert_with(|| started.elapsed().as_secs_f64());
                "layout"
            }
        };
        bar.set_message(message);
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    })
    .context("UMAP")?;
    bar.finish_and_clear();
    let summary = format!(
        "UMAP ({} neighbours, min_dist {}, {} epochs; start layout {:.1} s, neighbour graph \
         {:.1} s)",
        args.neighbors,
        args.min_dist,
        layout.epochs_run,
        start_secs.unwrap_or_default(),
        graph_secs.unwrap_or_default() - start_secs.unwrap_or_default()
    );
    Ok((layout.coords, summary))
}
