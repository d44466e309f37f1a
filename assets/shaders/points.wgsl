// The word cloud: every point a camera-facing disc of a fixed size in pixels.
//
// Each point is four vertices carrying the same data: its position in the two snapshots the
// playhead lies between, and its style (sRGB colour, size factor in alpha). The vertex shader
// interpolates between the snapshots, expands the corner in screen space and fades far points,
// so orbiting and scrubbing cost the CPU nothing per point.
// Kept in step with `viewer/playback.rs` (`shader_position`) and `viewer/points/buffers.rs`
// (`STYLE_SCALE_MAX`, `EMPHASIS_MIN_SCALE`, `EMPHASIS_DEPTH_FACTOR`).

#import bevy_pbr::mesh_view_bindings::view
#import bevy_pbr::mesh_functions::get_world_from_local

struct PointParams {
    // Interpolation between the two snapshots, 0..1.
    t: f32,
    // Disc radius in physical pixels for a size factor of 1.
    radius_px: f32,
    // View-space depth of the cloud's centre and the cloud's radius, for the depth fade
    // (a radius of 0 turns the fade off).
    fade_centre_depth: f32,
    fade_radius: f32,
};

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> params: PointParams;

struct Vertex {
    @builtin(instance_index) instance_index: u32,
    @builtin(vertex_index) vertex_index: u32,
    @location(0) position: vec3<f32>,
    @location(1) next_position: vec3<f32>,
    @location(2) style: vec4<f32>,
};

struct VertexOutput {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) color: vec3<f32>,
    @location(1) corner: vec2<f32>,
};

// Size factors are stored as alpha / 255 * STYLE_SCALE_MAX.
const STYLE_SCALE_MAX: f32 = 4.0;
const EMPHASIS_MIN_SCALE: f32 = 1.25;
const EMPHASIS_DEPTH_FACTOR: f32 = 4.0;

fn corner_of(vertex_index: u32) -> vec2<f32> {
    switch vertex_index % 4u {
        case 0u: { return vec2<f32>(-1.0, -1.0); }
        case 1u: { return vec2<f32>(1.0, -1.0); }
        case 2u: { return vec2<f32>(1.0, 1.0); }
        default: { return vec2<f32>(-1.0, 1.0); }
    }
}

@vertex
fn vertex(v: Vertex) -> VertexOutput {
    var out: VertexOutput;
    let centre = mix(v.position, v.next_position, params.t);
    let world = get_world_from_local(v.instance_index) * vec4<f32>(centre, 1.0);
    var clip = view.clip_from_world * world;
    let corner = corner_of(v.vertex_index);
    let scale = v.style.a * STYLE_SCALE_MAX;
    let radius_px = params.radius_px * scale;
    // Emphasised points (selection, neighbours, relation words) are drawn in front of the
    // cloud: reverse z, so a larger depth is nearer (EMPHASIS_* in buffers.rs).
    if scale >= EMPHASIS_MIN_SCALE {
        clip.z = min(clip.z * EMPHASIS_DEPTH_FACTOR, clip.w * 0.999);
    }
    // Offset in clip space so the disc keeps its pixel size at any distance.
    clip.x += corner.x * radius_px * 2.0 / view.viewport.z * clip.w;
    clip.y += corner.y * radius_px * 2.0 / view.viewport.w * clip.w;
    out.clip_position = clip;

    var shade = 1.0;
    if params.fade_radius > 0.0 {
        let depth = -(view.view_from_world * world).z;
        let near = params.fade_centre_depth - params.fade_radius;
        let far = params.fade_centre_depth + params.fade_radius;
        shade = mix(1.0, 0.45, smoothstep(near, far, depth));
    }
    // Styles are sRGB bytes; the render target expects linear colour.
    out.color = pow(v.style.rgb, vec3<f32>(2.2)) * shade;
    out.corner = corner;
    return out;
}

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    let r = length(in.corner);
    if r > 1.0 {
        discard;
    }
    // A darker rim separates touching discs.
    let rim = select(1.0, 0.55, r > 0.78);
    return vec4<f32>(in.color * rim, 1.0);
}
