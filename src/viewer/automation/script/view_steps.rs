//! View steps: `lens`, `axes` and `method` (new analysis settings, through the model's
//! `ModelRequest`, then a wait until every snapshot is redone with them), `lang` and `orbit`.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::{Progress, ScriptRunner, StepState, done_if};
use crate::space::{AnalysisSettings, ProjectionMethod};
use crate::viewer::core::model::{ModelRequest, SpaceModel};
use crate::viewer::render::camera::OrbitCamera;
use crate::viewer::ui::i18n::Lang;

/// One change of the analysis settings a step asks for.
#[derive(Debug, Clone, Copy)]
pub(super) enum SettingsChange<'a> {
    /// A relation's lens (`None`: back to PCA); clears the axes.
    Lens(&'a Option<String>),
    /// Semantic axes (`None`: back to PCA); clears the lens.
    Axes(&'a Option<String>),
    Method(ProjectionMethod),
}

impl SettingsChange<'_> {
    fn apply(self, settings: &mut AnalysisSettings) {
        match self {
            Self::Lens(relation) => {
                settings.lens = relation.clone();
                settings.axes = None;
            }
            Self::Axes(spec) => {
                settings.axes = spec.clone();
                settings.lens = None;
            }
            Self::Method(method) => settings.method = method,
        }
    }

    /// Whether the model's settings already say what this change asks for.
    fn holds_in(self, settings: &AnalysisSettings) -> bool {
        match self {
            Self::Lens(relation) => settings.lens == *relation,
            Self::Axes(spec) => settings.axes == *spec,
            Self::Method(method) => settings.method == method,
        }
    }
}

/// What the view steps use.
#[derive(SystemParam)]
pub(super) struct ViewSteps<'w, 's> {
    model: Res<'w, SpaceModel>,
    model_requests: MessageWriter<'w, ModelRequest>,
    lang: ResMut<'w, Lang>,
    cameras: Query<'w, 's, &'static mut OrbitCamera>,
}

impl ViewSteps<'_, '_> {
    /// Asks for the new settings, then waits until every snapshot is seen with them.
    pub(super) fn reanalyse(
        &mut self,
        runner: &mut ScriptRunner,
        change: SettingsChange,
    ) -> Progress {
        if runner.state == StepState::Fresh {
            if let SettingsChange::Method(ProjectionMethod::Given) = change
                && self.model.given.is_none()
            {
                return Progress::Failed(format!(
                    "method given: {}",
                    crate::viewer::core::model::NO_GIVEN_LAYOUT
                ));
            }
            let mut settings = self.model.settings.clone();
            change.apply(&mut settings);
            self.model_requests
                .write(ModelRequest::SetSettings(settings));
            runner.state = StepState::Reanalysing;
            return Progress::Continue;
        }
        done_if(change.holds_in(&self.model.settings) && self.model.fully_analysed())
    }

    pub(super) fn lang(&mut self, lang: Lang) -> Progress {
        self.lang.set_if_neq(lang);
        Progress::Done
    }

    /// Turns the camera a little every frame (the user has taken it over: no auto-fit).
    pub(super) fn orbit(&mut self, runner: &ScriptRunner, frames: u32) -> Progress {
        for mut orbit in &mut self.cameras {
            orbit.yaw += 0.01;
            orbit.auto_fit = false;
        }
        done_if(runner.frames_in_step > frames)
    }
}
