//! The guided tour: the essay's steps, each one click that sets up the view, with two or three
//! sentences in the user's language. One-hot vectors; the random start; training pulls related
//! words together; king − man + woman; the relation lens on country → capital; random versus
//! pretrained initialisation.

use bevy_egui::egui;

use bevy::prelude::MessageWriter;

use super::PressList;
use crate::viewer::core::analogy::AnalogyState;
use crate::viewer::core::bridge::TrainingRun;
use crate::viewer::core::compare::{Comparison, ShowRun, StartComparison};
use crate::viewer::core::display_settings::{CloudView, DisplaySettings};
use crate::viewer::core::model::{ModelRequest, SpaceModel, UserError};
use crate::viewer::core::playback::Playhead;
use crate::viewer::core::selection::SelectWord;
use crate::viewer::render::camera::FrameWords;
use crate::viewer::ui::i18n::Lang;
use crate::viewer::ui::tour::TourStep;

/// What the tour reads, edits (copies of the playhead, settings and analogy) and sends: each
/// step makes the requests a user's clicks would.
pub struct TourContext<'a, 'w> {
    pub model: &'a SpaceModel,
    pub run: &'a TrainingRun,
    pub comparison: &'a Comparison,
    pub lang: Lang,
    pub playhead: &'a mut Playhead,
    pub settings: &'a mut DisplaySettings,
    pub analogy: &'a mut AnalogyState,
    pub select: &'a mut MessageWriter<'w, SelectWord>,
    pub model_requests: &'a mut MessageWriter<'w, ModelRequest>,
    pub frame_words: &'a mut MessageWriter<'w, FrameWords>,
    pub user_errors: &'a mut MessageWriter<'w, UserError>,
    pub show_run: &'a mut MessageWriter<'w, ShowRun>,
    pub start_comparison: &'a mut MessageWriter<'w, StartComparison>,
    pub pressed: &'a mut PressList,
}

#[derive(Default)]
pub struct TourPanel {
    /// The step shown last, for the highlight and its text.
    current: Option<TourStep>,
}

impl TourPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut TourContext) {
        let lang = cx.lang;
        ui.horizontal_wrapped(|ui| {
            for (number, step) in TourStep::ALL.iter().enumerate() {
                let label = format!("{} {}", number + 1, step.title(lang));
                let button = ui.selectable_label(self.current == Some(*step), &label);
                if cx.pressed.add(&label, button).clicked() {
                    self.current = Some(*step);
                    apply_step(*step, cx);
                }
            }
        });
        if let Some(step) = self.current {
            ui.separator();
            ui.strong(step.title(lang));
            ui.label(step.text(lang));
            if step == TourStep::OneHot {
                one_hot_facts_ui(ui, cx);
            }
            if step == TourStep::Analogy {
                analogy_answer_ui(ui, cx);
            }
            if step == TourStep::RandomVsPretrained {
                comparison_ui(ui, cx);
            }
        }
    }
}

/// Sets the view up for a step (the same requests a user's clicks would make).
pub fn apply_step(step: TourStep, cx: &mut TourContext) {
    let frames = cx.model.frames.len();
    if step != TourStep::OneHot {
        cx.settings.view = CloudView::Frames;
    }
    match step {
        TourStep::OneHot => {
            cx.settings.view = CloudView::OneHot;
            cx.select.write(SelectWord(None));
        }
        TourStep::RandomStart => {
            cx.playhead.playing = false;
            cx.playhead.scrub_to(0.0, frames);
            cx.select.write(SelectWord(None));
        }
        TourStep::TrainingPulls => {
            // Replay from the random start with a word selected: its neighbour list changes
            // as the playhead moves through the snapshots.
            let word = crate::viewer::ui::tour::showcase_word(cx.model);
            cx.select.write(SelectWord(word));
            cx.playhead.scrub_to(0.0, frames);
            cx.playhead.playing = frames > 1;
            cx.playhead.follow_latest = false;
        }
        TourStep::Analogy => {
            // The trained space, nothing selected (step 3's word would pull the eye), the
            // camera on the four words so the parallelogram is large enough to read.
            cx.playhead.playing = false;
            cx.playhead
                .scrub_to(frames.saturating_sub(1) as f32, frames);
            cx.select.write(SelectWord(None));
            if let Some([a, b, c, expected]) =
                crate::viewer::ui::tour::analogy_words(cx.model, cx.lang)
            {
                let frame = frames.saturating_sub(1);
                match cx.analogy.solve(
                    cx.model,
                    frame,
                    [a, b, c],
                    crate::space::AnalogyMethod::CosAdd,
                ) {
                    Ok(()) => {
                        cx.analogy.expected = cx.model.row_of(expected);
                        let answer =
                            cx.analogy
                                .expected
                                .or(cx.analogy.results.first().map(|n| n.row));
                        let rows = [cx.analogy.a, cx.analogy.b, cx.analogy.c, answer];
                        cx.frame_words
                            .write(FrameWords(rows.into_iter().flatten().collect()));
                    }
                    Err(message) => {
                        cx.user_errors.write(UserError(message));
                    }
                }
            }
        }
        TourStep::RelationLens => {
            cx.playhead
                .scrub_to(frames.saturating_sub(1) as f32, frames);
            if let Some(relation) = cx.model.lens_relation() {
                let mut settings = cx.model.settings.clone();
                settings.lens = Some(relation);
                settings.axes = None;
                cx.model_requests.write(ModelRequest::SetSettings(settings));
            }
        }
        TourStep::RandomVsPretrained => {
            cx.start_comparison.write(StartComparison);
        }
    }
}

/// The analogy's answer in words: the expected word's rank and similarity, or what came first.
fn analogy_answer_ui(ui: &mut egui::Ui, cx: &TourContext) {
    let lang = cx.lang;
    let word = |row: Option<usize>| {
        row.and_then(|r| cx.model.words.get(r))
            .map_or("?", String::as_str)
    };
    let analogy = &cx.analogy;
    let query = format!(
        "{} − {} + {}",
        word(analogy.b),
        word(analogy.a),
        word(analogy.c)
    );
    let best = analogy.results.first();
    let text = match (analogy.expected_rank(), analogy.expected, best) {
        (Some((rank, similarity)), Some(expected), _) => format!(
            "{query} → {} ({} {rank}, {} {similarity:.3})",
            word(Some(expected)),
            lang.pick("rank", "排名"),
            lang.pick("cosine", "余弦"),
        ),
        (None, Some(expected), Some(best)) => format!(
            "{query} → {} ({:.3}); {} {}",
            word(Some(best.row)),
            best.similarity,
            word(Some(expected)),
            lang.pick("is not among the 10 nearest", "不在最近的 10 个之中"),
        ),
        (_, _, Some(best)) => format!(
            "{query} → {} ({:.3})",
            word(Some(best.row)),
            best.similarity
        ),
        _ => return,
    };
    ui.strong(text);
}

/// The two runs of the comparison: which is on screen, and their curves overlaid.
fn comparison_ui(ui: &mut egui::Ui, cx: &mut TourContext) {
    use crate::viewer::core::compare::ComparePhase;
    use crate::viewer::core::compare::RaceStage;
    use egui_plot::{Corner, Legend, Line, Plot, PlotPoints};
    let lang = cx.lang;
    let comparison = cx.comparison;
    // The same stage the training panel and the status line show.
    ui.label(match comparison.stage(cx.run, cx.model) {
        None if comparison.phase == ComparePhase::Done => {
            lang.pick("Both runs done.", "两次训练都已完成。")
        }
        None => lang.pick(
            "The comparison starts once a run has finished (press the step again then).",
            "训练完成后才能开始比较（届时再点一次这一步）。",
        ),
        Some(RaceStage::Starting { run: 0 } | RaceStage::Training { run: 0 }) => {
            lang.pick("Training from random vectors…", "正在从随机向量训练…")
        }
        Some(RaceStage::Starting { .. } | RaceStage::Training { .. }) => {
            lang.pick("Training from pretrained vectors…", "正在从预训练向量训练…")
        }
        Some(RaceStage::Analysing { run: 0, .. }) => lang.pick(
            "Random-init run trained; analysing its snapshots…",
            "随机初始化的一次已训练完，正在分析它的快照…",
        ),
        Some(RaceStage::Analysing { .. }) => lang.pick(
            "Pretrained run trained; analysing its snapshots…",
            "预训练初始化的一次已训练完，正在分析它的快照…",
        ),
    });
    // Say where "pretrained" comes from: on the demo it is the run just finished, which has
    // already seen this corpus (a head start by construction, not by transfer).
    if comparison.phase != ComparePhase::Idle {
        let source = match &comparison.pretrained_file {
            Some(path) => format!(
                "{} {}",
                lang.pick("Pretrained vectors:", "预训练向量："),
                path.display()
            ),
            None => lang
                .pick(
                    "Pretrained vectors: those of the run that had just finished, which has \
                     already read this corpus. For vectors trained elsewhere, give a GloVe or \
                     word2vec file with --pretrained or in Training > Parameters / restart.",
                    "预训练向量：刚训练完的那次的向量，它已经读过这份语料。想用别处训练的向量，\
                     请用 --pretrained 或在“训练 > 参数 / 重新训练”中给出 GloVe 或 word2vec 文件。",
                )
                .to_owned(),
        };
        ui.weak(source);
    }
    let names = [
        lang.pick("random init", "随机初始化"),
        lang.pick("pretrained init", "预训练初始化"),
    ];
    if comparison.phase == ComparePhase::Done {
        ui.horizontal(|ui| {
            for (which, name) in names.iter().enumerate() {
                let button = ui.selectable_label(comparison.showing == which, *name);
                if cx.pressed.add(name, button).clicked() {
                    cx.show_run.write(ShowRun(which));
                }
            }
        });
    }
    if comparison.runs.is_empty() {
        return;
    }
    // Each legend in the corner its curves leave empty: random's loss falls to pretrained's
    // (top right is free), random's consistency rises to pretrained's (bottom right is free).
    let plot = |id: &str, x: &'static str, y: &'static str, corner: Corner| {
        Plot::new(id.to_owned())
            .height(100.0)
            .allow_drag(false)
            .allow_scroll(false)
            .allow_zoom(false)
            .legend(Legend::default().position(corner))
            .x_axis_label(x)
            .y_axis_label(y)
    };
    plot(
        "compare-loss",
        lang.pick("words", "词数"),
        lang.pick("loss", "损失"),
        Corner::RightTop,
    )
    .show(ui, |p| {
        for (run, name) in comparison.runs.iter().zip(names) {
            p.line(Line::new(name, PlotPoints::from(run.loss.clone())));
        }
    });
    plot(
        "compare-consistency",
        lang.pick("snapshot", "快照"),
        lang.pick("consistency", "一致性"),
        Corner::RightBottom,
    )
    .show(ui, |p| {
        for (run, name) in comparison.runs.iter().zip(names) {
            p.line(Line::new(name, PlotPoints::from(run.consistency.clone())));
        }
    });
}

/// What one-hot vectors would cost at this vocabulary size, next to the dense vectors.
fn one_hot_facts_ui(ui: &mut egui::Ui, cx: &TourContext) {
    let vocab = cx.model.words.len();
    let dims = cx.model.frames.last().map_or(0, |f| f.vectors.ncols());
    let facts = crate::space::one_hot_numbers(vocab, dims);
    let lang = cx.lang;
    let mib = |bytes: f64| bytes / (1024.0 * 1024.0);
    egui::Grid::new("one-hot-facts")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label(lang.pick("vector length", "向量长度"));
            ui.label(format!("{} vs {}", facts.one_hot_length, facts.dense_dims));
            ui.end_row();
            ui.label(lang.pick("memory (dense)", "内存（稠密存储）"));
            ui.label(format!(
                "{:.1} MiB vs {:.2} MiB",
                mib(facts.one_hot_dense_bytes as f64),
                mib(facts.dense_bytes as f64)
            ));
            ui.end_row();
            ui.label(lang.pick("cosine of any two words", "任意两词的余弦"));
            ui.label(format!("{:.0}", facts.pairwise_cosine));
            ui.end_row();
            ui.label(lang.pick("distance of any two words", "任意两词的距离"));
            ui.label(format!("{:.3} (√2)", facts.pairwise_distance));
            ui.end_row();
        });
}
