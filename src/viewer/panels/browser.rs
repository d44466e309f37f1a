//! A small file browser inside the window: folders first, then files, one click to enter a
//! folder or pick a file. It stands in for a native dialog: the native-dialog crate's Linux
//! backends need GTK or Wayland development packages at build time, and embedscape builds with
//! none.

use std::path::{Path, PathBuf};

use bevy_egui::egui;

/// One directory listing, sorted for display.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Listing {
    pub folders: Vec<String>,
    pub files: Vec<String>,
}

/// Lists `dir`: hidden entries skipped, folders and files each sorted by name.
pub fn list_dir(dir: &Path) -> std::io::Result<Listing> {
    let mut listing = Listing::default();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if entry.path().is_dir() {
            listing.folders.push(name);
        } else {
            listing.files.push(name);
        }
    }
    listing.folders.sort();
    listing.files.sort();
    Ok(listing)
}

/// The browser's state: where it is and what it shows.
pub struct FileBrowser {
    pub open: bool,
    dir: Option<PathBuf>,
    listing: Result<Listing, String>,
}

impl Default for FileBrowser {
    fn default() -> Self {
        Self {
            open: false,
            dir: None,
            listing: Ok(Listing::default()),
        }
    }
}

impl FileBrowser {
    fn go_to(&mut self, dir: PathBuf) {
        self.listing = list_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()));
        self.dir = Some(dir);
    }

    /// Shows the browser window; returns the file picked this frame, if any.
    pub fn ui(&mut self, ctx: &egui::Context, start: &Path) -> Option<PathBuf> {
        if !self.open {
            return None;
        }
        if self.dir.is_none() {
            let dir = if start.is_dir() {
                start.to_owned()
            } else {
                start
                    .parent()
                    .filter(|p| p.is_dir())
                    .map(Path::to_owned)
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_else(|| PathBuf::from("/"))
            };
            self.go_to(dir);
        }
        let mut picked = None;
        let mut next_dir = None;
        let mut open = self.open;
        egui::Window::new("Open a file")
            .open(&mut open)
            .default_size([420.0, 380.0])
            .show(ctx, |ui| {
                let dir = self.dir.clone().unwrap_or_default();
                ui.horizontal(|ui| {
                    if ui.button("⬆ Up").clicked()
                        && let Some(parent) = dir.parent()
                    {
                        next_dir = Some(parent.to_owned());
                    }
                    ui.label(dir.display().to_string());
                });
                ui.separator();
                egui::ScrollArea::vertical().show(ui, |ui| match &self.listing {
                    Ok(listing) => {
                        for folder in &listing.folders {
                            if ui.selectable_label(false, format!("{folder}/")).clicked() {
                                next_dir = Some(dir.join(folder));
                            }
                        }
                        for file in &listing.files {
                            if ui.selectable_label(false, file).clicked() {
                                picked = Some(dir.join(file));
                            }
                        }
                    }
                    Err(message) => {
                        ui.colored_label(egui::Color32::from_rgb(255, 120, 100), message);
                    }
                });
            });
        if let Some(dir) = next_dir {
            self.go_to(dir);
        }
        self.open = open && picked.is_none();
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_folders_then_files_sorted_without_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("语料")).unwrap();
        std::fs::create_dir(dir.path().join("a-dir")).unwrap();
        for name in ["z.txt", "b.vec", ".hidden"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let listing = list_dir(dir.path()).unwrap();
        assert_eq!(listing.folders, vec!["a-dir", "语料"]);
        assert_eq!(listing.files, vec!["b.vec", "z.txt"]);
        assert!(list_dir(&dir.path().join("missing")).is_err());
    }
}
