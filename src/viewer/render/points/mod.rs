//! The word cloud on the GPU, the way dedicated point-cloud renderers do it: the coordinates of
//! the two frames around the playhead are uploaded once per frame pair, a vertex shader
//! interpolates between them and expands each point into a camera-facing disc of a pixel size
//! that adapts to the number of points, and far points fade. Orbiting, zooming and scrubbing
//! within a frame pair change only a few uniforms: the CPU does nothing per point.
//!
//! Two plugins: [`PointStylesPlugin`] keeps the per-point styles (colour, size factor) current,
//! rebuilding them only when clusters, colouring or the selection change (headless tests run
//! it); [`PointsRenderPlugin`] turns styles and frames into the GPU mesh and the shader's
//! uniforms. The renderer reads the model, the playhead's cloud and the styles, never UI state.

mod buffers;
mod material;

pub use buffers::{
    ATTRIBUTE_NEXT_POSITION, ATTRIBUTE_STYLE, EMPHASIS_DEPTH_FACTOR, HIDDEN_STYLE, STYLE_SCALE_MAX,
    encode_style, is_emphasised, point_mesh, point_styles, radius_px_for,
};
pub use material::{PointCloudMaterial, PointParams};

use bevy::camera::visibility::NoFrustumCulling;
use bevy::prelude::*;

use crate::viewer::core::columns::{ColumnLook, ColumnView};
use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::{DisplayedCloud, WORLD_SCALE};
use crate::viewer::core::selection::Selection;
use crate::viewer::render::camera::{MainCamera, OrbitCamera};

/// One style per point, and a counter of rebuilds (what the idle-frame test watches).
#[derive(Resource, Debug, Default)]
pub struct PointStyles {
    pub styles: Vec<[u8; 4]>,
    pub generation: u64,
}

/// How many times the GPU mesh was rebuilt, and for which inputs.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct PointUploads {
    pub count: u64,
    /// (cloud generation, styles generation) of the last upload.
    last: Option<(u64, u64)>,
    /// Points in the last upload: what is on the GPU now.
    pub points: usize,
}

/// Keeps [`PointStyles`] current.
pub struct PointStylesPlugin;

impl Plugin for PointStylesPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PointStyles>()
            .init_resource::<PointUploads>()
            .add_systems(
                Update,
                refresh_styles.in_set(crate::viewer::sets::ViewerSet::Draw),
            );
    }
}

/// The inputs a style depends on; styles are rebuilt only when these change.
#[derive(Debug, Clone, PartialEq)]
struct StyleInputs {
    frame: Option<usize>,
    frames_version: u64,
    words: usize,
}

fn refresh_styles(
    model: Res<SpaceModel>,
    cloud: Res<DisplayedCloud>,
    settings: Res<DisplaySettings>,
    selection: Res<Selection>,
    (look, view): (Option<Res<ColumnLook>>, Option<Res<ColumnView>>),
    mut styles: ResMut<PointStyles>,
    mut last: Local<Option<StyleInputs>>,
) {
    let inputs = StyleInputs {
        frame: cloud.frame,
        frames_version: model.frames_version,
        words: model.words.len(),
    };
    let stale = last.as_ref() != Some(&inputs)
        || settings.is_changed()
        || selection.is_changed()
        || look.as_ref().is_some_and(|l| l.is_changed())
        || view.as_ref().is_some_and(|v| v.is_changed())
        || model.is_changed() && model.categories.len() != styles.styles.len();
    if !stale {
        return;
    }
    *last = Some(inputs);
    let next = point_styles(
        &model,
        cloud.frame,
        &settings,
        &selection,
        look.as_deref(),
        view.as_ref().map_or(&[][..], |v| &v.selected[..]),
    );
    if next != styles.styles {
        styles.styles = next;
        styles.generation += 1;
    }
}

/// Draws the cloud with the point shader.
pub struct PointsRenderPlugin;

impl Plugin for PointsRenderPlugin {
    fn build(&self, app: &mut App) {
        material::add_point_material(app);
        app.add_plugins(PointStylesPlugin)
            .add_systems(Startup, spawn_point_cloud)
            .add_systems(
                PostUpdate,
                (
                    // Before the asset events go out, so the render world sees the new
                    // contents in this very frame (see `upload_point_mesh`).
                    upload_point_mesh.before(bevy::asset::AssetEventSystems),
                    update_point_params.after(bevy::transform::TransformSystems::Propagate),
                ),
            );
    }
}

#[derive(Resource)]
struct PointCloudHandles {
    entity: Entity,
    material: Handle<PointCloudMaterial>,
    /// The one mesh asset of the cloud, once the first frame is uploaded.
    mesh: Option<Handle<Mesh>>,
}

fn spawn_point_cloud(mut commands: Commands, mut materials: ResMut<Assets<PointCloudMaterial>>) {
    let material = materials.add(PointCloudMaterial::default());
    // The mesh comes with the first frame (an empty mesh upsets the renderer's allocator).
    // The cloud moves every frame: its bounding box at spawn time would cull it wrongly.
    let entity = commands
        .spawn((
            MeshMaterial3d(material.clone()),
            Transform::IDENTITY,
            NoFrustumCulling,
        ))
        .id();
    commands.insert_resource(PointCloudHandles {
        entity,
        material,
        mesh: None,
    });
}

/// Rebuilds the GPU mesh when the frame pair or the styles changed, and only then.
///
/// The cloud keeps ONE mesh asset whose contents are replaced in place. Giving the entity a
/// new mesh handle instead made the cloud vanish after a click: bevy collects a mesh instance's
/// vertex range when its `Mesh3d` changes, and when the new asset's `Added` event went out a
/// frame later (this system ran after the asset events, which happens when building a large
/// mesh takes long), the instance was collected before the mesh had any GPU allocation, with a
/// vertex count of 0, and nothing collected it again. An in-place replacement sends
/// `Modified`, which marks the `Mesh3d` changed in the same frame the new contents are
/// prepared; running before the asset events makes that this frame. The new mesh lives in
/// the render world only (the main world keeps no second copy of the vertex data).
fn upload_point_mesh(
    mut commands: Commands,
    model: Res<SpaceModel>,
    cloud: Res<DisplayedCloud>,
    styles: Res<PointStyles>,
    handles: Option<ResMut<PointCloudHandles>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut uploads: ResMut<PointUploads>,
) {
    let Some(mut handles) = handles else {
        return;
    };
    let key = (cloud.generation, styles.generation);
    if uploads.last == Some(key) {
        return;
    }
    let Some((lower, upper)) = cloud.coords(&model) else {
        return;
    };
    let mesh = point_mesh(lower, upper, &styles.styles, WORLD_SCALE);
    let points = mesh.count_vertices() / 4;
    match &handles.mesh {
        Some(handle) => {
            if let Err(e) = meshes.insert(handle.id(), mesh) {
                error!("cannot replace the point mesh: {e}");
                return;
            }
        }
        None => {
            let handle = meshes.add(mesh);
            commands
                .entity(handles.entity)
                .insert(Mesh3d(handle.clone()));
            handles.mesh = Some(handle);
        }
    }
    uploads.last = Some(key);
    uploads.count += 1;
    uploads.points = points;
}

/// Sets the shader's uniforms: interpolation weight, point size, depth fade.
fn update_point_params(
    model: Res<SpaceModel>,
    cloud: Res<DisplayedCloud>,
    settings: Res<DisplaySettings>,
    camera: Single<(&GlobalTransform, &Camera), With<MainCamera>>,
    orbit: Single<&OrbitCamera>,
    handles: Option<Res<PointCloudHandles>>,
    mut materials: ResMut<Assets<PointCloudMaterial>>,
) {
    let Some(handles) = handles else {
        return;
    };
    let (camera_transform, camera) = *camera;
    let (fade_centre_depth, fade_radius) = match cloud.bounds(&model) {
        Some((centre, radius)) => {
            let view_from_world = camera_transform.to_matrix().inverse();
            (-(view_from_world.transform_point3(centre)).z, radius)
        }
        None => (orbit.radius, 0.0),
    };
    let scale_factor = camera.target_scaling_factor().unwrap_or(1.0);
    let params = PointParams {
        t: cloud.t,
        radius_px: radius_px_for(cloud.len, settings.point_size) * scale_factor,
        fade_centre_depth,
        fade_radius: if settings.depth_fade {
            fade_radius
        } else {
            0.0
        },
    };
    // Only touch the asset when a uniform changed: an unchanged material is not re-uploaded.
    if materials
        .get(&handles.material)
        .is_some_and(|m| m.params != params)
        && let Some(mut material) = materials.get_mut(&handles.material)
    {
        material.params = params;
    }
}
