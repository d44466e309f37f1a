//! The per-point data the GPU draws from, built on the CPU only when it changes: positions in
//! the two frames around the playhead (uploaded when that pair changes, never per camera move)
//! and one style per point (colour and size factor, rebuilt when clusters, colouring or the
//! selection change). `playback::shader_position` mirrors the vertex shader's interpolation, so
//! the CPU places labels, arrows and clicks exactly where the GPU draws the points.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, MeshVertexAttribute, PrimitiveTopology, VertexAttributeValues};
use bevy::prelude::*;
use bevy::render::render_resource::VertexFormat;
use ndarray::ArrayView2;

use crate::space;
use crate::viewer::core::columns::ColumnLook;
use crate::viewer::core::display_settings::{ColorBy, DisplaySettings};
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::selection::Selection;

/// The position of each point in the frame after the playhead (the mesh's own position
/// attribute holds the frame before it).
pub const ATTRIBUTE_NEXT_POSITION: MeshVertexAttribute =
    MeshVertexAttribute::new("PointNextPosition", 0x6573_7031, VertexFormat::Float32x3);
/// sRGB colour in rgb, size factor in alpha (`alpha / 255 * STYLE_SCALE_MAX`).
pub const ATTRIBUTE_STYLE: MeshVertexAttribute =
    MeshVertexAttribute::new("PointStyle", 0x6573_7032, VertexFormat::Unorm8x4);

/// The largest size factor a style can hold (same constant in `points.wgsl`).
pub const STYLE_SCALE_MAX: f32 = 4.0;

/// Size factors: the selection and its neighbours stand out, dimmed points recede.
const SELECTED_SCALE: f32 = 2.4;
const NEIGHBOR_SCALE: f32 = 1.6;
/// Words with a relation arrow shown: the arrows start and end on points one can see.
const RELATION_SCALE: f32 = 1.6;
const NORMAL_SCALE: f32 = 1.0;
const DIMMED_SCALE: f32 = 0.9;
/// Points inside a box selection.
const BOX_SCALE: f32 = 1.4;
/// A point hidden by a filter or the legend: size 0, not drawn and not picked.
pub const HIDDEN_STYLE: [u8; 4] = [0, 0, 0, 0];

/// Points drawn at least this much larger than normal (the selection, its neighbours, the
/// words of shown relations) are drawn in front of the cloud and win clicks near their centre,
/// as their labels promise (same constants in `points.wgsl`).
pub const EMPHASIS_MIN_SCALE: f32 = 1.25;
/// How much nearer an emphasised point counts in the depth test (reverse z: depth × factor).
pub const EMPHASIS_DEPTH_FACTOR: f32 = 4.0;

/// Whether a style is emphasised (see [`EMPHASIS_MIN_SCALE`]).
pub fn is_emphasised(style: [u8; 4]) -> bool {
    f32::from(style[3]) / 255.0 * STYLE_SCALE_MAX >= EMPHASIS_MIN_SCALE
}

/// Packs an sRGB colour (0..1) and a size factor into one vertex style.
pub fn encode_style(srgb: [f32; 3], scale: f32) -> [u8; 4] {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    [
        byte(srgb[0]),
        byte(srgb[1]),
        byte(srgb[2]),
        byte(scale / STYLE_SCALE_MAX),
    ]
}

/// The style of every point: its colour (the column look's: cluster, category or a column),
/// the selection (or a box selection) highlighted and the rest dimmed; rows the look hides get
/// size 0, which the shader and picking skip.
pub fn point_styles(
    model: &SpaceModel,
    frame: Option<usize>,
    settings: &DisplaySettings,
    selection: &Selection,
    look: Option<&ColumnLook>,
    box_selected: &[usize],
) -> Vec<[u8; 4]> {
    let look = look.filter(|l| l.colours.len() == model.words.len());
    let mut in_box = vec![
        false;
        if box_selected.is_empty() {
            0
        } else {
            model.words.len()
        }
    ];
    for &row in box_selected {
        if let Some(flag) = in_box.get_mut(row) {
            *flag = true;
        }
    }
    let clusters = match settings.color_by {
        ColorBy::LatestCluster => model.frames.last(),
        _ => frame.and_then(|f| model.frames.get(f)),
    }
    .map(|f| &f.clusters);
    let mut highlighted = vec![false; model.words.len()];
    for n in &selection.neighbors {
        if let Some(h) = highlighted.get_mut(n.row) {
            *h = true;
        }
    }
    // Through a relation lens, the relation's words stand out and the rest recede.
    let lens_rows = model.settings.lens.as_ref().map(|lens| {
        let mut in_lens = vec![false; model.words.len()];
        for pair in model.relations.iter().filter(|p| p.relation == *lens) {
            for word in [&pair.head, &pair.tail] {
                if let Some(flag) = model.row_of(word).and_then(|r| in_lens.get_mut(r)) {
                    *flag = true;
                }
            }
        }
        in_lens
    });
    // The words of the relations whose arrows are shown.
    let mut related = vec![false; model.words.len()];
    for pair in model
        .relations
        .iter()
        .filter(|p| settings.shows_relation(&p.relation))
    {
        for word in [&pair.head, &pair.tail] {
            if let Some(flag) = model.row_of(word).and_then(|r| related.get_mut(r)) {
                *flag = true;
            }
        }
    }
    (0..model.words.len())
        .map(|row| {
            let label = match settings.color_by {
                ColorBy::Cluster | ColorBy::LatestCluster => {
                    clusters.and_then(|c| c.get(row).copied())
                }
                ColorBy::Category => model.categories.get(row).copied().flatten(),
            };
            let srgb = match (look, label) {
                (Some(look), _) => look.colours[row],
                (None, Some(label)) => space::palette_color(label),
                (None, None) => [0.55, 0.57, 0.6],
            };
            if look.is_some_and(|l| !l.is_visible(row)) {
                return HIDDEN_STYLE;
            }
            match selection.row {
                Some(selected) if selected == row => encode_style(srgb, SELECTED_SCALE),
                Some(_) if highlighted[row] => encode_style(srgb, NEIGHBOR_SCALE),
                // Receding, still visible: the cloud around the selection stays readable.
                Some(_) => encode_style(srgb.map(|c| c * 0.5), DIMMED_SCALE),
                None if lens_rows.as_ref().is_some_and(|rows| !rows[row]) => {
                    encode_style(srgb.map(|c| c * 0.35), DIMMED_SCALE)
                }
                None if !in_box.is_empty() && in_box[row] => encode_style(srgb, BOX_SCALE),
                None if !in_box.is_empty() => encode_style(srgb.map(|c| c * 0.4), DIMMED_SCALE),
                None if related[row] => encode_style(srgb, RELATION_SCALE),
                None => encode_style(srgb, NORMAL_SCALE),
            }
        })
        .collect()
}

/// Disc radius in pixels for `count` points: large for a few hundred words, small for
/// hundreds of thousands, so any size reads as a cloud rather than a blob.
pub fn radius_px_for(count: usize, user_scale: f32) -> f32 {
    let density = (1_500.0 / count.max(1) as f32).sqrt();
    (7.0 * density).clamp(1.0, 6.0) * user_scale
}

/// One mesh of quads (four vertices a point, all carrying the point's data) for the frames
/// `lower` and `upper`, in world units.
pub fn point_mesh(
    lower: ArrayView2<f32>,
    upper: ArrayView2<f32>,
    styles: &[[u8; 4]],
    world_scale: f32,
) -> Mesh {
    let count = lower.nrows().min(upper.nrows()).min(styles.len());
    let corners = |coords: ArrayView2<f32>| -> Vec<[f32; 3]> {
        coords
            .outer_iter()
            .take(count)
            .flat_map(|r| {
                let p = [r[0] * world_scale, r[1] * world_scale, r[2] * world_scale];
                [p; 4]
            })
            .collect()
    };
    let mut indices = Vec::with_capacity(count * 6);
    for q in 0..count as u32 {
        let b = q * 4;
        indices.extend_from_slice(&[b, b + 1, b + 2, b, b + 2, b + 3]);
    }
    let styles: Vec<[u8; 4]> = styles.iter().take(count).flat_map(|s| [*s; 4]).collect();
    // Uploaded once and dropped from the main world: the CPU keeps its own inputs.
    let mut mesh = Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    );
    mesh.insert_attribute(Mesh::ATTRIBUTE_POSITION, corners(lower));
    mesh.insert_attribute(ATTRIBUTE_NEXT_POSITION, corners(upper));
    mesh.insert_attribute(ATTRIBUTE_STYLE, VertexAttributeValues::Unorm8x4(styles));
    mesh.insert_indices(Indices::U32(indices));
    mesh
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn styles_round_trip_their_scale_and_colour() {
        let style = encode_style([1.0, 0.5, 0.0], NEIGHBOR_SCALE);
        assert_eq!(style[0], 255);
        assert_eq!(style[1], 128);
        let scale = f32::from(style[3]) / 255.0 * STYLE_SCALE_MAX;
        assert!((scale - NEIGHBOR_SCALE).abs() < 0.02);
    }

    #[test]
    fn radius_shrinks_with_density_within_bounds() {
        let small = radius_px_for(900, 1.0);
        let mid = radius_px_for(15_000, 1.0);
        let large = radius_px_for(400_000, 1.0);
        assert!(small > mid && mid > large);
        assert!(small <= 6.0 && large >= 1.0);
    }

    #[test]
    fn mesh_carries_both_frames_for_every_corner() {
        let lower = array![[0.0f32, 0.0, 0.0], [1.0, 2.0, 3.0]];
        let upper = array![[1.0f32, 1.0, 1.0], [3.0, 2.0, 1.0]];
        let styles = [[1, 2, 3, 64], [4, 5, 6, 64]];
        let mesh = point_mesh(lower.view(), upper.view(), &styles, 10.0);
        assert_eq!(mesh.count_vertices(), 8);
        let Some(VertexAttributeValues::Float32x3(a)) = mesh.attribute(Mesh::ATTRIBUTE_POSITION)
        else {
            panic!("positions missing");
        };
        let Some(VertexAttributeValues::Float32x3(b)) = mesh.attribute(ATTRIBUTE_NEXT_POSITION)
        else {
            panic!("next positions missing");
        };
        assert_eq!(a[4..8], [[10.0, 20.0, 30.0]; 4]);
        assert_eq!(b[4..8], [[30.0, 20.0, 10.0]; 4]);
        assert_eq!(mesh.indices().map(|i| i.len()), Some(12));
    }
}
