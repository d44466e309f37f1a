//! The analogy being shown: A : B :: C : ? solved in the full space of one frame, read by the
//! scene (arrows A→B and C→answer) and the labels; the analogy panel edits it.

use bevy::prelude::*;

use crate::space::{self, AnalogyMethod};
use crate::viewer::core::model::SpaceModel;

/// The last solved analogy, shared with the scene (arrows) and labels.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct AnalogyState {
    pub a: Option<usize>,
    pub b: Option<usize>,
    pub c: Option<usize>,
    pub results: Vec<space::Neighbor>,
    /// The answer the essay expects (queen for man : king :: woman), when the tour asked.
    pub expected: Option<usize>,
}

impl AnalogyState {
    /// Arrows to draw: A→B and C→best answer.
    pub fn arrows(&self, model: &SpaceModel) -> Vec<(usize, usize)> {
        let valid = |r: usize| r < model.words.len();
        let mut arrows = Vec::new();
        if let (Some(a), Some(b)) = (self.a, self.b)
            && valid(a)
            && valid(b)
        {
            arrows.push((a, b));
        }
        if let (Some(c), Some(best)) = (self.c, self.results.first())
            && valid(c)
            && valid(best.row)
        {
            arrows.push((c, best.row));
        }
        arrows
    }

    /// The expected answer's rank (1 = best) among the results and its similarity, if it is
    /// among them.
    pub fn expected_rank(&self) -> Option<(usize, f32)> {
        let expected = self.expected?;
        self.results
            .iter()
            .position(|n| n.row == expected)
            .map(|i| (i + 1, self.results[i].similarity))
    }

    /// Solves `a : b :: c : ?` on one frame's vectors.
    pub fn solve(
        &mut self,
        model: &SpaceModel,
        frame: usize,
        words: [&str; 3],
        method: AnalogyMethod,
    ) -> Result<(), String> {
        let rows: Vec<usize> = words
            .iter()
            .map(|w| {
                let w = w.trim();
                model.row_of(w).ok_or_else(|| {
                    let close = space::close_spellings(&model.words, w, 3);
                    if close.is_empty() {
                        format!("unknown word {w:?}")
                    } else {
                        format!("unknown word {w:?}; did you mean {}?", close.join(", "))
                    }
                })
            })
            .collect::<Result<_, _>>()?;
        let frame = model.frames.get(frame).ok_or("no snapshot yet")?;
        self.results = space::analogy(&frame.index(), rows[0], rows[1], rows[2], 10, method, None)
            .map_err(|e| e.to_string())?;
        self.a = Some(rows[0]);
        self.b = Some(rows[1]);
        self.c = Some(rows[2]);
        self.expected = None;
        Ok(())
    }
}
