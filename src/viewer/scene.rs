//! The 3D scene: every word a point, relation and analogy arrows.
//!
//! Points are one merged mesh of camera-facing quads (two triangles a point) textured with a
//! disc and alpha-masked: ~40x fewer triangles than sphere meshes, which is what keeps 100k
//! points usable, even under software rendering. The quads are re-faced when the camera or the
//! cloud moves; colours follow clusters or categories through one stable palette.

use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::NoFrustumCulling;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

use super::camera::{MainCamera, OrbitCamera};
use super::model::SpaceModel;
use super::panels::analogy::AnalogyState;
use super::playback::DisplayedCloud;
use super::selection::Selection;
use crate::space;

/// What colours the points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorBy {
    /// Each snapshot's own clusters (matched frame to frame so colours stay put).
    #[default]
    Cluster,
    /// The latest snapshot's clusters on every frame: watch where the final groups came from.
    LatestCluster,
    Category,
}

/// User-facing display options (the display panel edits these).
#[derive(Resource, Debug, Clone)]
pub struct DisplaySettings {
    pub color_by: ColorBy,
    /// Point size as a fraction of the camera distance.
    pub point_size: f32,
    /// Share of words that get a label when space permits (0 = only highlighted words).
    pub label_density: f32,
    /// Relation names whose arrows are hidden.
    pub hidden_relations: Vec<String>,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        Self {
            color_by: ColorBy::Cluster,
            point_size: 1.0,
            label_density: 0.3,
            hidden_relations: Vec::new(),
        }
    }
}

impl DisplaySettings {
    pub fn shows_relation(&self, relation: &str) -> bool {
        !self.hidden_relations.iter().any(|r| r == relation)
    }
}

#[derive(Resource)]
struct PointCloudMesh(Handle<Mesh>);

/// Draws the cloud and the arrows.
pub struct ScenePlugin;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<DisplaySettings>()
            .add_systems(Startup, (spawn_point_cloud, thicker_arrows))
            .add_systems(
                PostUpdate,
                update_point_mesh.after(bevy::transform::TransformSystems::Propagate),
            )
            .add_systems(Update, draw_arrows.in_set(super::ViewerSet::Draw));
    }
}

/// A white disc with a soft dark rim, alpha 0 outside: the sprite every point is drawn with.
fn disc_image() -> Image {
    const SIZE: u32 = 64;
    let mut data = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    let centre = (SIZE as f32 - 1.0) / 2.0;
    for y in 0..SIZE {
        for x in 0..SIZE {
            let r = Vec2::new(x as f32 - centre, y as f32 - centre).length() / centre;
            let shade = if r > 0.8 { 150 } else { 255 };
            let alpha = if r <= 1.0 { 255 } else { 0 };
            data.extend_from_slice(&[shade, shade, shade, alpha]);
        }
    }
    Image::new(
        Extent3d {
            width: SIZE,
            height: SIZE,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    )
}

fn spawn_point_cloud(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
) {
    let mesh = meshes.add(empty_mesh());
    let material = materials.add(StandardMaterial {
        base_color: Color::WHITE,
        base_color_texture: Some(images.add(disc_image())),
        unlit: true,
        alpha_mode: AlphaMode::Mask(0.5),
        cull_mode: None,
        double_sided: true,
        ..default()
    });
    commands.insert_resource(PointCloudMesh(mesh.clone()));
    // The cloud moves every frame: its bounding box at spawn time would cull it wrongly.
    commands.spawn((
        Mesh3d(mesh),
        MeshMaterial3d(material),
        Transform::IDENTITY,
        NoFrustumCulling,
    ));
}

fn empty_mesh() -> Mesh {
    let mut mesh = Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD | RenderAssetUsages::MAIN_WORLD,
    );
    write_topology(&mut mesh, 0);
    mesh.insert_attribute(Mesh::ATTRIBUTE_POSITION, Vec::<[f32; 3]>::new());
    mesh.insert_attribute(Mesh::ATTRIBUTE_COLOR, Vec::<[f32; 4]>::new());
    mesh
}

/// The four corners of every quad, as (x, y) in units of the point's half size.
const CORNERS: [(f32, f32); 4] = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)];

/// Indices and texture coordinates of `quads` quads: they depend on the count alone.
fn write_topology(mesh: &mut Mesh, quads: usize) {
    let mut indices = Vec::with_capacity(quads * 6);
    for q in 0..quads as u32 {
        let b = q * 4;
        indices.extend_from_slice(&[b, b + 1, b + 2, b, b + 2, b + 3]);
    }
    let uvs: Vec<[f32; 2]> = (0..quads)
        .flat_map(|_| CORNERS.map(|(cx, cy)| [(cx + 1.0) * 0.5, (1.0 - cy) * 0.5]))
        .collect();
    mesh.insert_attribute(Mesh::ATTRIBUTE_UV_0, uvs);
    mesh.insert_indices(Indices::U32(indices));
}

/// The colour of each point as linear RGBA, with the selection highlighted and the rest dimmed.
pub fn point_colors(
    model: &SpaceModel,
    frame: Option<usize>,
    settings: &DisplaySettings,
    selection: &Selection,
) -> Vec<[f32; 4]> {
    let count = model.words.len();
    let clusters = match settings.color_by {
        ColorBy::LatestCluster => model.frames.last(),
        _ => frame.and_then(|f| model.frames.get(f)),
    }
    .map(|f| &f.clusters);
    (0..count)
        .map(|row| {
            let label = match settings.color_by {
                ColorBy::Cluster | ColorBy::LatestCluster => {
                    clusters.and_then(|c| c.get(row).copied())
                }
                ColorBy::Category => model.categories.get(row).copied().flatten(),
            };
            let [r, g, b] = match label {
                Some(label) => space::palette_color(label),
                None => [0.55, 0.57, 0.6],
            };
            let mut color = Color::srgb(r, g, b).to_linear();
            if let Some(selected) = selection.row
                && row != selected
                && !selection.is_neighbor(row)
            {
                color *= 0.15;
            }
            [color.red, color.green, color.blue, 1.0]
        })
        .collect()
}

/// Relative size of each point: the selection and its neighbours stand out.
fn point_scale(row: usize, selection: &Selection) -> f32 {
    match selection.row {
        Some(selected) if selected == row => 2.4,
        Some(_) if selection.is_neighbor(row) => 1.6,
        _ => 1.0,
    }
}

/// Re-faces the quads when the camera or the cloud moves. Only positions depend on the camera:
/// colours are rebuilt only when the frame, the model, the display settings or the selection
/// change, and indices/texture coordinates only when the number of points does.
#[allow(clippy::too_many_arguments)]
fn update_point_mesh(
    cloud: Res<DisplayedCloud>,
    model: Res<SpaceModel>,
    settings: Res<DisplaySettings>,
    selection: Res<Selection>,
    camera: Single<(&GlobalTransform, &OrbitCamera), With<MainCamera>>,
    handle: Res<PointCloudMesh>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut last: Local<Option<(u64, Mat4, Option<usize>)>>,
) {
    let (camera_transform, orbit) = *camera;
    let camera_matrix = camera_transform.to_matrix();
    let key = (cloud.generation, camera_matrix, cloud.frame);
    let looks_changed = model.is_changed() || settings.is_changed() || selection.is_changed();
    if *last == Some(key) && !looks_changed {
        return;
    }
    let colors_stale = looks_changed || last.is_none_or(|(_, _, frame)| frame != cloud.frame);
    *last = Some(key);
    let Some(mut mesh) = meshes.get_mut(&handle.0) else {
        return;
    };
    let count = cloud.positions.len().min(model.words.len());
    let resized = mesh.count_vertices() != count * 4;
    if resized {
        write_topology(&mut mesh, count);
    }
    if resized || colors_stale {
        let colors: Vec<[f32; 4]> = point_colors(&model, cloud.frame, &settings, &selection)
            .into_iter()
            .take(count)
            .flat_map(|color| [color; 4])
            .collect();
        mesh.insert_attribute(Mesh::ATTRIBUTE_COLOR, colors);
    }
    let right = camera_transform.right().as_vec3();
    let up = camera_transform.up().as_vec3();
    let half_size = orbit.radius * 0.006 * settings.point_size;
    let mut positions = Vec::with_capacity(count * 4);
    for (row, &centre) in cloud.positions.iter().take(count).enumerate() {
        let size = half_size * point_scale(row, &selection);
        positions
            .extend(CORNERS.map(|(cx, cy)| (centre + (right * cx + up * cy) * size).to_array()));
    }
    mesh.insert_attribute(Mesh::ATTRIBUTE_POSITION, positions);
}

/// Arrows are the point of the relation view: make them visible at a glance.
fn thicker_arrows(mut store: ResMut<GizmoConfigStore>) {
    let (config, _) = store.config_mut::<DefaultGizmoConfigGroup>();
    config.line.width = 2.5;
}

/// Relation arrows head → tail, coloured per relation, and the analogy's arrows.
fn draw_arrows(
    mut gizmos: Gizmos,
    cloud: Res<DisplayedCloud>,
    model: Res<SpaceModel>,
    settings: Res<DisplaySettings>,
    analogy: Res<AnalogyState>,
) {
    let position = |word: &str| {
        model
            .row_of(word)
            .and_then(|r| cloud.positions.get(r))
            .copied()
    };
    let mut relation_ids: Vec<&str> = Vec::new();
    for pair in &model.relations {
        let id = match relation_ids.iter().position(|r| *r == pair.relation) {
            Some(id) => id,
            None => {
                relation_ids.push(&pair.relation);
                relation_ids.len() - 1
            }
        };
        if !settings.shows_relation(&pair.relation) {
            continue;
        }
        if let (Some(head), Some(tail)) = (position(&pair.head), position(&pair.tail)) {
            let [r, g, b] = space::palette_color(id + 3);
            gizmos.arrow(head, tail, Color::srgb(r, g, b));
        }
    }
    for (from, to) in analogy.arrows(&model) {
        if let (Some(from), Some(to)) = (cloud.positions.get(from), cloud.positions.get(to)) {
            gizmos.arrow(*from, *to, Color::srgb(1.0, 0.95, 0.4));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_colours_follow_the_palette_and_selection_dims_the_rest() {
        let mut model = SpaceModel::default();
        model.reset(vec!["法国".into(), "巴黎".into(), "猫".into()]);
        model.set_categories(vec![
            ("法国".into(), "国家".into()),
            ("猫".into(), "动物".into()),
            ("不在".into(), "其他".into()),
        ]);
        assert_eq!(model.category_names, vec!["国家", "动物"]);
        let settings = DisplaySettings {
            color_by: ColorBy::Category,
            ..DisplaySettings::default()
        };
        let mut selection = Selection::default();
        let colors = point_colors(&model, None, &settings, &selection);
        let expect = |label: usize| {
            let [r, g, b] = space::palette_color(label);
            let c = Color::srgb(r, g, b).to_linear();
            [c.red, c.green, c.blue, 1.0]
        };
        assert_eq!(colors[0], expect(0));
        assert_eq!(colors[2], expect(1));
        assert_ne!(colors[1], colors[0], "uncategorised words are grey");

        selection.row = Some(0);
        let dimmed = point_colors(&model, None, &settings, &selection);
        assert_eq!(dimmed[0], colors[0], "the selection keeps its colour");
        assert!(dimmed[2][0] < colors[2][0] && dimmed[2][3] == 1.0);
    }
}
