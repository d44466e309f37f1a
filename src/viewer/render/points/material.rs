//! The point cloud's material: the WGSL point shader (`assets/shaders/points.wgsl`, embedded in
//! the binary so the app runs from anywhere) and its few uniforms. Only the uniforms change
//! per frame (interpolation weight, point size, depth fade); per-point data lives in the mesh.

use bevy::asset::uuid_handle;
use bevy::mesh::MeshVertexBufferLayoutRef;
use bevy::pbr::{MaterialPipeline, MaterialPipelineKey};
use bevy::prelude::*;
use bevy::render::render_resource::{
    AsBindGroup, RenderPipelineDescriptor, ShaderType, SpecializedMeshPipelineError,
};
use bevy::shader::ShaderRef;

use super::buffers::{ATTRIBUTE_NEXT_POSITION, ATTRIBUTE_STYLE};

/// The embedded point shader.
pub const POINTS_SHADER: Handle<Shader> = uuid_handle!("3f1c6a52-8d0e-4b7a-9a61-2c5e7d4b9f10");

/// Uniforms of the point shader (same layout as `PointParams` in `points.wgsl`).
#[derive(Debug, Clone, Copy, PartialEq, ShaderType)]
pub struct PointParams {
    /// Interpolation weight of the frame after the playhead.
    pub t: f32,
    /// Disc radius in physical pixels for a size factor of 1.
    pub radius_px: f32,
    /// View-space depth of the cloud centre and the cloud radius (0 = no depth fade).
    pub fade_centre_depth: f32,
    pub fade_radius: f32,
}

impl Default for PointParams {
    fn default() -> Self {
        Self {
            t: 0.0,
            radius_px: 4.0,
            fade_centre_depth: 0.0,
            fade_radius: 0.0,
        }
    }
}

#[derive(Asset, TypePath, AsBindGroup, Debug, Clone, Default)]
pub struct PointCloudMaterial {
    #[uniform(0)]
    pub params: PointParams,
}

impl Material for PointCloudMaterial {
    fn vertex_shader() -> ShaderRef {
        ShaderRef::Handle(POINTS_SHADER)
    }

    fn fragment_shader() -> ShaderRef {
        ShaderRef::Handle(POINTS_SHADER)
    }

    fn enable_prepass() -> bool {
        false
    }

    fn enable_shadows() -> bool {
        false
    }

    fn specialize(
        _pipeline: &MaterialPipeline,
        descriptor: &mut RenderPipelineDescriptor,
        layout: &MeshVertexBufferLayoutRef,
        _key: MaterialPipelineKey<Self>,
    ) -> Result<(), SpecializedMeshPipelineError> {
        let vertex_layout = layout.0.get_layout(&[
            Mesh::ATTRIBUTE_POSITION.at_shader_location(0),
            ATTRIBUTE_NEXT_POSITION.at_shader_location(1),
            ATTRIBUTE_STYLE.at_shader_location(2),
        ])?;
        descriptor.vertex.buffers = vec![vertex_layout];
        // Quads face the camera by construction; no culling keeps them visible either way.
        descriptor.primitive.cull_mode = None;
        Ok(())
    }
}

/// Adds the material and the embedded shader.
pub fn add_point_material(app: &mut App) {
    app.add_plugins(MaterialPlugin::<PointCloudMaterial>::default());
    let shader = Shader::from_wgsl(
        include_str!("../../../../assets/shaders/points.wgsl"),
        "shaders/points.wgsl",
    );
    if let Some(mut shaders) = app.world_mut().get_resource_mut::<Assets<Shader>>()
        && let Err(e) = shaders.insert(POINTS_SHADER.id(), shader)
    {
        error!("cannot register the point shader: {e}");
    }
}
