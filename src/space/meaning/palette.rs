//! A fixed palette of distinguishable colours, shared by clusters and metadata categories, so
//! label 3 is the same colour everywhere in the viewer.
//!
//! Colours are sRGB components in [0, 1] (Tableau 10, then 8 more distinct hues; pass them to
//! `bevy::color::Color::srgb`). [`palette_color_linear`] gives linear-light values for shaders
//! or vertex colours that expect linear RGB. Labels past the end wrap around.

/// sRGB colours, the first ten from Tableau 10 (designed to be told apart, also by most
/// colour-blind viewers), followed by eight further distinct hues.
pub const PALETTE_SRGB: [[f32; 3]; 18] = [
    [0.122, 0.467, 0.706], // blue
    [1.000, 0.498, 0.055], // orange
    [0.173, 0.627, 0.173], // green
    [0.839, 0.153, 0.157], // red
    [0.580, 0.404, 0.741], // purple
    [0.549, 0.337, 0.294], // brown
    [0.890, 0.467, 0.761], // pink
    [0.498, 0.498, 0.498], // grey
    [0.737, 0.741, 0.133], // olive
    [0.090, 0.745, 0.812], // cyan
    [0.000, 0.000, 0.502], // navy
    [0.667, 1.000, 0.765], // mint
    [0.502, 0.000, 0.000], // maroon
    [1.000, 0.882, 0.098], // yellow
    [0.000, 0.502, 0.502], // teal
    [0.961, 0.510, 0.188], // apricot-orange
    [0.941, 0.196, 0.902], // magenta
    [0.667, 0.431, 0.157], // ochre
];

/// The sRGB colour of a cluster or category label (wraps around the palette).
pub fn palette_color(label: usize) -> [f32; 3] {
    PALETTE_SRGB[label % PALETTE_SRGB.len()]
}

/// The same colour in linear light.
pub fn palette_color_linear(label: usize) -> [f32; 3] {
    palette_color(label).map(srgb_to_linear)
}

fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_is_distinct_and_wraps() {
        for (i, a) in PALETTE_SRGB.iter().enumerate() {
            for (j, b) in PALETTE_SRGB.iter().enumerate().take(i) {
                let d: f32 = a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum();
                assert!(d > 0.15, "{i} vs {j}");
            }
        }
        assert_eq!(palette_color(0), palette_color(PALETTE_SRGB.len()));
        assert!(palette_color_linear(3)[0] < palette_color(3)[0]);
    }
}
