//! Open and export: a path box with buttons, drag and drop onto the window, and exports of
//! the screenshot (PNG), the current vectors, the selected word's neighbours (TSV), the
//! training timeline and an animation of it (GIF, by the recording plugin). Every file is written under a temporary name and renamed into place.

use std::path::{Path, PathBuf};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use bevy_egui::egui;

use super::PressList;
use crate::atomic_file::write_atomically;
use crate::viewer::automation::recording::{RecordingSettings, RecordingStatus, StartRecording};
use crate::viewer::automation::screenshots::{ScreenshotLog, request_screenshot};
use crate::viewer::core::bridge::OpenCommand;
use crate::viewer::core::model::{SpaceModel, UserError};
use crate::viewer::core::playback::Playhead;
use crate::viewer::core::selection::Selection;
use crate::viewer::options::DataSource;
use crate::viewer::ui::i18n::{Lang, fill};

pub use crate::viewer::core::export_request::ExportRequest;

/// What the files panel reads and sends.
pub struct FilesContext<'a, 'w> {
    pub recording: &'a RecordingStatus,
    pub lang: Lang,
    pub open_commands: &'a mut MessageWriter<'w, OpenCommand>,
    pub exports: &'a mut MessageWriter<'w, ExportRequest>,
    pub pressed: &'a mut PressList,
}

pub struct FilesPlugin;

impl Plugin for FilesPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<ExportRequest>().add_systems(
            Update,
            (open_dropped_files, run_exports).in_set(crate::viewer::sets::ViewerSet::Input),
        );
    }
}

pub struct FilesPanel {
    path: String,
    dialog: egui_file_dialog::FileDialog,
    /// Whether *Save animation* writes the snapshot and epoch into every frame.
    caption: bool,
}

impl Default for FilesPanel {
    fn default() -> Self {
        Self {
            path: String::new(),
            dialog: file_dialog(),
            caption: false,
        }
    }
}

/// The file dialog (recent places, keyboard navigation and filters come with it), with one
/// filter per kind of file the app opens.
fn file_dialog() -> egui_file_dialog::FileDialog {
    egui_file_dialog::FileDialog::new()
        .title("Open or save")
        .add_file_filter_extensions(
            "Vectors (.txt .vec .bin .tsv .gz)",
            vec!["txt", "vec", "bin", "tsv", "gz"],
        )
        .add_file_filter_extensions("Corpora (.txt)", vec!["txt"])
        .add_file_filter_extensions("Timelines (.timeline)", vec!["timeline"])
        .add_file_filter_extensions("Relations, metadata (.tsv)", vec!["tsv"])
}

impl FilesPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut FilesContext) {
        let lang = cx.lang;
        ui.weak(lang.tr("Browse, type a path, or drop a file on the window."));
        ui.horizontal(|ui| {
            if ui.button(lang.tr("Browse…")).clicked() {
                self.dialog.pick_file();
            }
            ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(f32::INFINITY));
        });
        self.dialog.update(ui.ctx());
        if let Some(picked) = self.dialog.take_picked() {
            self.path = picked.display().to_string();
        }
        let path = PathBuf::from(self.path.trim());
        let has_path = !self.path.trim().is_empty();
        ui.horizontal_wrapped(|ui| {
            ui.add_enabled_ui(has_path, |ui| {
                if ui.button(lang.tr("Train on corpus")).clicked() {
                    cx.open_commands
                        .write(OpenCommand::Data(DataSource::Corpus(path.clone())));
                }
                if ui.button(lang.tr("Open vectors")).clicked() {
                    cx.open_commands
                        .write(OpenCommand::Data(DataSource::Vectors(path.clone())));
                }
                if ui.button(lang.tr("Open timeline")).clicked() {
                    cx.open_commands
                        .write(OpenCommand::Data(DataSource::Timeline(path.clone())));
                }
                if ui.button(lang.tr("Relations TSV")).clicked() {
                    cx.open_commands.write(OpenCommand::Relations(path.clone()));
                }
                if ui.button(lang.tr("Metadata TSV")).clicked() {
                    cx.open_commands.write(OpenCommand::Metadata(path.clone()));
                }
            });
            let demo = ui.button(lang.tr("Demo"));
            if cx.pressed.add(lang.tr("Demo"), demo).clicked() {
                cx.open_commands.write(OpenCommand::Data(DataSource::Demo));
            }
        });
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            ui.add_enabled_ui(has_path, |ui| {
                if ui.button(lang.tr("Save screenshot")).clicked() {
                    cx.exports.write(ExportRequest::Screenshot(path.clone()));
                }
                if ui.button(lang.tr("Save vectors")).clicked() {
                    cx.exports.write(ExportRequest::Vectors(path.clone()));
                }
                if ui.button(lang.tr("Save neighbours")).clicked() {
                    cx.exports.write(ExportRequest::Neighbors(path.clone()));
                }
                if ui.button(lang.tr("Save timeline")).clicked() {
                    cx.exports.write(ExportRequest::Timeline(path.clone()));
                }
                if ui
                    .button(lang.tr("Save animation (GIF)"))
                    .on_hover_text(lang.tr("Records the whole timeline as the window shows it: 48 frames at 12 per second. A path like frames/%04d.png gives numbered PNGs."))
                    .clicked()
                {
                    cx.exports.write(if self.caption {
                        ExportRequest::CaptionedAnimation(path.clone())
                    } else {
                        ExportRequest::Animation(path.clone())
                    });
                }
                if ui
                    .button(lang.tr("Save view"))
                    .on_hover_text(lang.tr("Saves the camera, playhead, selection, lens or axes, projection, colouring and language to a small JSON file; open it with embedscape view --view FILE."))
                    .clicked()
                {
                    cx.exports.write(ExportRequest::View(path.clone()));
                }
            });
        });
        let caption = ui
            .checkbox(
                &mut self.caption,
                lang.tr("caption the animation (snapshot, epoch)"),
            )
            .on_hover_text(
                lang.tr("Write the snapshot and epoch into every frame of the animation"),
            );
        cx.pressed
            .add(lang.tr("caption the animation (snapshot, epoch)"), caption);
        if let Some(line) = recording_line(cx.recording, lang) {
            ui.weak(line);
        }
    }
}

/// Where the animation export stands, as one line (nothing before the first one).
fn recording_line(status: &RecordingStatus, lang: Lang) -> Option<String> {
    Some(match status {
        RecordingStatus::Idle | RecordingStatus::Failed(_) => return None,
        RecordingStatus::Preparing => lang.tr("Preparing the animation…").to_owned(),
        RecordingStatus::Recording { captured, total } => {
            fill(lang.tr("Recording frame {} of {}…"), &[captured, total])
        }
        RecordingStatus::Encoding => lang.tr("Finishing the animation…").to_owned(),
        RecordingStatus::Saved {
            path,
            frames,
            bytes,
        } => fill(
            lang.tr("Saved {}: {} frames, {} KB"),
            &[&path.display(), frames, &bytes.div_ceil(1024)],
        ),
    })
}

/// Decides what a dropped file is from its name (and, for `.txt`, its content).
pub fn classify_dropped(path: &Path) -> OpenCommand {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if extension == "timeline" {
        OpenCommand::Data(DataSource::Timeline(path.to_owned()))
    } else if name.contains("relation") {
        OpenCommand::Relations(path.to_owned())
    } else if name.contains("metadata") || name.contains("categor") {
        OpenCommand::Metadata(path.to_owned())
    } else if names_vectors(&extension) || crate::embeddings::formats::detect(path).is_ok() {
        // A `.vec`, `.bin` or table that does not read as vectors goes to the vectors reader
        // anyway: its error names the real problem (a bad header), where training the file as
        // a corpus would fail on word counts, or succeed on garbage.
        OpenCommand::Data(DataSource::Vectors(path.to_owned()))
    } else {
        OpenCommand::Data(DataSource::Corpus(path.to_owned()))
    }
}

/// Whether a file extension is only ever a vectors file (`.txt` and `.tsv` may be corpora or
/// relations: their content decides).
fn names_vectors(extension: &str) -> bool {
    matches!(
        extension,
        "vec" | "bin" | "npy" | "npz" | "parquet" | "pq" | "arrow" | "feather" | "ipc"
    )
}

fn open_dropped_files(
    mut drops: MessageReader<FileDragAndDrop>,
    mut commands: MessageWriter<OpenCommand>,
) {
    for drop in drops.read() {
        if let FileDragAndDrop::DroppedFile { path_buf, .. } = drop {
            commands.write(classify_dropped(path_buf));
        }
    }
}

/// What the exports are made of.
#[derive(SystemParam)]
struct ExportSources<'w> {
    model: Res<'w, SpaceModel>,
    playhead: Res<'w, Playhead>,
    selection: Res<'w, Selection>,
    run: Res<'w, crate::viewer::core::bridge::TrainingRun>,
}

fn run_exports(
    mut requests: MessageReader<ExportRequest>,
    mut commands: Commands,
    mut log: ResMut<ScreenshotLog>,
    sources: ExportSources,
    mut errors: MessageWriter<UserError>,
    mut recordings: MessageWriter<StartRecording>,
) {
    let ExportSources {
        model,
        playhead,
        selection,
        run,
    } = sources;
    for request in requests.read() {
        let result = match request {
            ExportRequest::Screenshot(path) => {
                request_screenshot(&mut commands, &mut log, path.clone());
                Ok(())
            }
            ExportRequest::Vectors(path) => export_vectors(&model, &playhead, path),
            ExportRequest::Neighbors(path) => export_neighbors(&model, &selection, path),
            ExportRequest::Timeline(path) => export_timeline(&model, &run.config, path),
            ExportRequest::Animation(path) | ExportRequest::CaptionedAnimation(path) => {
                recordings.write(StartRecording(RecordingSettings {
                    output: path.clone(),
                    caption: matches!(request, ExportRequest::CaptionedAnimation(_)),
                    ..RecordingSettings::default()
                }));
                Ok(())
            }
            // The saved-view plugin writes it.
            ExportRequest::View(_) => Ok(()),
        };
        if let Err(message) = result {
            errors.write(UserError(message));
        }
    }
}

fn export_vectors(model: &SpaceModel, playhead: &Playhead, path: &Path) -> Result<(), String> {
    let frame = playhead
        .nearest_frame(model.frames.len())
        .and_then(|f| model.frames.get(f))
        .ok_or("nothing to export yet")?;
    let embeddings =
        crate::embeddings::Embeddings::from_words(model.words.clone(), (*frame.vectors).clone())
            .map_err(|e| e.to_string())?;
    // The extension picks the format (.bin, .tsv, .vec/.txt); word2vec text otherwise.
    let format = crate::embeddings::formats::Format::from_extension(path)
        .unwrap_or(crate::embeddings::formats::Format::Word2VecText);
    crate::embeddings::formats::save(&embeddings, path, format).map_err(|e| e.to_string())
}

fn export_neighbors(model: &SpaceModel, selection: &Selection, path: &Path) -> Result<(), String> {
    let row = selection.row.ok_or("select a word first")?;
    let query = model.words.get(row).cloned().unwrap_or_default();
    write_atomically(path, |w| {
        use std::io::Write;
        writeln!(w, "query\tneighbor\tcosine")?;
        for n in &selection.neighbors {
            let word = model.words.get(n.row).map_or("", String::as_str);
            writeln!(w, "{query}\t{word}\t{:.6}", n.similarity)?;
        }
        Ok(())
    })
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn export_timeline(
    model: &SpaceModel,
    config: &crate::train::TrainConfig,
    path: &Path,
) -> Result<(), String> {
    if model.frames.is_empty() {
        return Err("nothing to export yet".into());
    }
    let snapshots = model
        .frames
        .iter()
        .map(|f| crate::train::Snapshot::from_meta(f.meta.clone(), (*f.vectors).clone()));
    let params_json = serde_json::to_string(config).unwrap_or_default();
    crate::train::Timeline::assemble(model.words.clone(), params_json, snapshots)
        .map_err(|e| e.to_string())?
        .save(path, crate::train::Precision::F32)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_with_two_frames() -> SpaceModel {
        crate::viewer::core::model::four_word_model(2)
    }

    #[test]
    fn exports_vectors_neighbors_and_timeline() {
        let dir = tempfile::tempdir().unwrap();
        let model = model_with_two_frames();
        let playhead = Playhead {
            position: 1.0,
            ..Playhead::default()
        };
        let vectors = dir.path().join("v.txt");
        export_vectors(&model, &playhead, &vectors).unwrap();
        let loaded = crate::embeddings::formats::load(&vectors, &Default::default()).unwrap();
        assert_eq!(loaded.embeddings.words(), model.words.as_slice());
        assert_eq!(loaded.embeddings.matrix(), &*model.frames[1].vectors);

        let mut selection = Selection::default();
        assert!(export_neighbors(&model, &selection, &dir.path().join("n.tsv")).is_err());
        selection.row = Some(0);
        selection.neighbors = vec![crate::space::Neighbor {
            row: 1,
            similarity: 0.5,
        }];
        export_neighbors(&model, &selection, &dir.path().join("n.tsv")).unwrap();
        let tsv = std::fs::read_to_string(dir.path().join("n.tsv")).unwrap();
        assert_eq!(tsv, "query\tneighbor\tcosine\n法国\t巴黎\t0.500000\n");

        let timeline = dir.path().join("run.timeline");
        export_timeline(&model, &crate::train::TrainConfig::default(), &timeline).unwrap();
        let back = crate::train::Timeline::load(&timeline).unwrap();
        assert_eq!(back.words, model.words);
        assert_eq!(back.snapshots.len(), 2);
        assert_eq!(back.snapshots[1].words_processed, 10);
        assert_eq!(
            classify_dropped(&timeline),
            OpenCommand::Data(DataSource::Timeline(timeline.clone()))
        );
    }

    #[test]
    fn dropped_files_are_classified() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("notes.txt");
        std::fs::write(&corpus, "这 是 一 个 句子\nplain words here\n").unwrap();
        assert_eq!(
            classify_dropped(&corpus),
            OpenCommand::Data(DataSource::Corpus(corpus.clone()))
        );
        let vectors = dir.path().join("vec.txt");
        std::fs::write(&vectors, "2 2\na 0.1 0.2\nb 0.3 0.4\n").unwrap();
        assert_eq!(
            classify_dropped(&vectors),
            OpenCommand::Data(DataSource::Vectors(vectors.clone()))
        );
        let relations = dir.path().join("relations.tsv");
        assert_eq!(
            classify_dropped(&relations),
            OpenCommand::Relations(relations.clone())
        );
    }

    /// Found by random use (issue #20): a dropped `.vec` with a bad header was trained as a
    /// corpus ("no word occurs at least 5 times"), a missing or empty one likewise ("cannot
    /// read corpus"); the vectors reader names the real problem.
    #[test]
    fn a_broken_vectors_file_goes_to_the_vectors_reader() {
        let dir = tempfile::tempdir().unwrap();
        let bad_header = dir.path().join("negative-header.vec");
        std::fs::write(&bad_header, "2 -3\na 1 2 3\nb 4 5 6\n").unwrap();
        let empty = dir.path().join("empty.bin");
        std::fs::write(&empty, "").unwrap();
        let missing = dir.path().join("missing.vec");
        for path in [bad_header, empty, missing] {
            assert_eq!(
                classify_dropped(&path),
                OpenCommand::Data(DataSource::Vectors(path.clone()))
            );
        }
    }
}
