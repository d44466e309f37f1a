//! The saved-view file: what is on screen (camera, playhead, selection, lens or axes,
//! projection method, colouring, language) as a small JSON file, with the data it was saved on.
//! Read and written here only; a file that does not parse is an error naming the file.

use std::path::Path;

use crate::space::ProjectionMethod;
use crate::viewer::core::display_settings::ColorBy;
use crate::viewer::options::{DataSource, Lang};

/// The version written in every view file (`embedscape_view`).
pub const VIEW_FILE_VERSION: u32 = 1;

/// A view file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ViewFileError {
    #[error("cannot read the view file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a view file saved by embedscape: {message}")]
    Malformed { path: String, message: String },
    #[error(
        "{path} is a view file of version {found}; this embedscape reads version {VIEW_FILE_VERSION}"
    )]
    Version { path: String, found: u32 },
}

/// What is on screen, as saved.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedView {
    /// The file format's version ([`VIEW_FILE_VERSION`]).
    pub embedscape_view: u32,
    /// The data the view was saved on (`demo`, `corpus PATH`, `vectors PATH`...): a view
    /// opened on other data is restored as far as it fits, with a warning.
    pub data: String,
    pub camera: CameraView,
    /// The playhead: a fractional snapshot index.
    pub playhead_position: f32,
    pub selected_word: Option<String>,
    /// The relation lens, if any.
    pub lens: Option<String>,
    /// Semantic axes `X[,Y]`, if any.
    pub axes: Option<String>,
    pub method: MethodName,
    pub color_by: ColorName,
    pub lang: LangName,
}

/// The orbit camera: the point it turns around, its distance from it and its angles (radians).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CameraView {
    pub focus: [f32; 3],
    pub distance: f32,
    pub yaw: f32,
    pub pitch: f32,
}

/// The projection method, as the file spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MethodName {
    Pca,
    Umap,
    Given,
}

/// What colours the points, as the file spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColorName {
    Cluster,
    LatestCluster,
    Category,
}

/// The interface language, as the file spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LangName {
    En,
    Zh,
}

impl From<ProjectionMethod> for MethodName {
    fn from(method: ProjectionMethod) -> Self {
        match method {
            ProjectionMethod::Pca => Self::Pca,
            ProjectionMethod::Umap => Self::Umap,
            ProjectionMethod::Given => Self::Given,
        }
    }
}

impl From<MethodName> for ProjectionMethod {
    fn from(method: MethodName) -> Self {
        match method {
            MethodName::Pca => Self::Pca,
            MethodName::Umap => Self::Umap,
            MethodName::Given => Self::Given,
        }
    }
}

impl From<ColorBy> for ColorName {
    fn from(color_by: ColorBy) -> Self {
        match color_by {
            ColorBy::Cluster => Self::Cluster,
            ColorBy::LatestCluster => Self::LatestCluster,
            ColorBy::Category => Self::Category,
        }
    }
}

impl From<ColorName> for ColorBy {
    fn from(color_by: ColorName) -> Self {
        match color_by {
            ColorName::Cluster => Self::Cluster,
            ColorName::LatestCluster => Self::LatestCluster,
            ColorName::Category => Self::Category,
        }
    }
}

impl From<Lang> for LangName {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::En => Self::En,
            Lang::Zh => Self::Zh,
        }
    }
}

impl From<LangName> for Lang {
    fn from(lang: LangName) -> Self {
        match lang {
            LangName::En => Self::En,
            LangName::Zh => Self::Zh,
        }
    }
}

/// How a view file names the data it was saved on.
pub fn describe_source(source: &DataSource) -> String {
    let paths = |kind: &str, paths: &[&Path]| {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        format!("{kind} {}", names.join(" "))
    };
    match source {
        DataSource::Demo => "demo".to_owned(),
        DataSource::Corpus(path) => paths("corpus", &[path]),
        DataSource::Vectors(path) => paths("vectors", &[path]),
        DataSource::Timeline(path) => paths("timeline", &[path]),
        DataSource::VectorSeries(all) => paths(
            "vectors",
            &all.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
        ),
        DataSource::Text(_) => "text".to_owned(),
    }
}

impl SavedView {
    /// Reads and checks a view file.
    pub fn read(path: &Path) -> Result<Self, ViewFileError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ViewFileError::Io {
            path: name.clone(),
            source,
        })?;
        Self::parse(&text, &name)
    }

    /// Parses a view file's text; `name` names it in errors.
    pub fn parse(text: &str, name: &str) -> Result<Self, ViewFileError> {
        // The version first, so a newer file says so rather than naming a field it lacks.
        let version: Option<u32> = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("embedscape_view")?.as_u64())
            .and_then(|v| u32::try_from(v).ok());
        if let Some(found) = version.filter(|v| *v != VIEW_FILE_VERSION) {
            return Err(ViewFileError::Version {
                path: name.to_owned(),
                found,
            });
        }
        let view: Self = serde_json::from_str(text).map_err(|e| ViewFileError::Malformed {
            path: name.to_owned(),
            message: e.to_string(),
        })?;
        let numbers = view
            .camera
            .focus
            .iter()
            .chain([
                &view.camera.distance,
                &view.camera.yaw,
                &view.camera.pitch,
                &view.playhead_position,
            ])
            .all(|x| x.is_finite());
        if !numbers || view.camera.distance <= 0.0 {
            return Err(ViewFileError::Malformed {
                path: name.to_owned(),
                message: "the camera or playhead holds a number out of range".to_owned(),
            });
        }
        Ok(view)
    }

    /// Writes the view file (atomically).
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let json = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::atomic_file::write_atomically(path, |w| {
            use std::io::Write;
            w.write_all(json.as_bytes())?;
            w.write_all(b"\n")
        })
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> SavedView {
        SavedView {
            embedscape_view: VIEW_FILE_VERSION,
            data: "demo".into(),
            camera: CameraView {
                focus: [1.0, -2.5, 0.25],
                distance: 12.0,
                yaw: 0.7,
                pitch: -0.2,
            },
            playhead_position: 3.5,
            selected_word: Some("法国".into()),
            lens: Some("国家→首都".into()),
            axes: None,
            method: MethodName::Pca,
            color_by: ColorName::LatestCluster,
            lang: LangName::Zh,
        }
    }

    #[test]
    fn a_view_round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lesson.json");
        view().write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"color_by\": \"latest-cluster\""), "{text}");
        assert_eq!(SavedView::read(&path).unwrap(), view());
    }

    #[test]
    fn a_bad_file_is_an_error_naming_it() {
        let missing = SavedView::read(Path::new("no/such/view.json")).unwrap_err();
        assert!(
            missing.to_string().contains("no/such/view.json"),
            "{missing}"
        );
        let not_json = SavedView::parse("{ camera: 1", "a.json").unwrap_err();
        assert!(
            not_json
                .to_string()
                .starts_with("a.json is not a view file"),
            "{not_json}"
        );
        let mut json = serde_json::to_value(view()).unwrap();
        json["method"] = "tsne".into();
        let method = SavedView::parse(&json.to_string(), "b.json").unwrap_err();
        assert!(method.to_string().contains("tsne"), "{method}");
        json["method"] = "umap".into();
        json["embedscape_view"] = 9.into();
        let newer = SavedView::parse(&json.to_string(), "c.json").unwrap_err();
        assert!(newer.to_string().contains("version 9"), "{newer}");
        json["embedscape_view"] = 1.into();
        json["camera"]["distance"] = (-1.0).into();
        assert!(SavedView::parse(&json.to_string(), "d.json").is_err());
    }

    #[test]
    fn sources_are_named() {
        assert_eq!(describe_source(&DataSource::Demo), "demo");
        assert_eq!(
            describe_source(&DataSource::Vectors("a/v.txt".into())),
            "vectors a/v.txt"
        );
    }
}
