//! UMAP's low-dimensional similarity curve `1 / (1 + a·d^(2b))`: `a` and `b` are fitted (least
//! squares, Levenberg–Marquardt) to the target "1 up to `min_dist`, then `exp(−(d − min_dist) /
//! spread)`" on 300 points in [0, 3·spread], as umap-learn's `find_ab_params` does with SciPy's
//! `curve_fit`.

/// Sample points of the target curve.
const SAMPLES: usize = 300;
/// Levenberg–Marquardt iterations (converges in a few dozen).
const ITERATIONS: usize = 200;

/// (a, b) for the given `min_dist` and `spread` (> 0).
pub(crate) fn fit_ab(min_dist: f32, spread: f32) -> (f32, f32) {
    let (min_dist, spread) = (f64::from(min_dist), f64::from(spread));
    let xs: Vec<f64> = (0..SAMPLES)
        .map(|i| 3.0 * spread * i as f64 / (SAMPLES - 1) as f64)
        .collect();
    let ys: Vec<f64> = xs
        .iter()
        .map(|&x| {
            if x < min_dist {
                1.0
            } else {
                (-(x - min_dist) / spread).exp()
            }
        })
        .collect();
    let loss = |a: f64, b: f64| -> f64 {
        xs.iter()
            .zip(&ys)
            .map(|(&x, &y)| {
                let r = 1.0 / (1.0 + a * x.powf(2.0 * b)) - y;
                r * r
            })
            .sum()
    };
    let (mut a, mut b) = (1.0f64, 1.0f64);
    let mut damping = 1e-3;
    let mut current = loss(a, b);
    for _ in 0..ITERATIONS {
        // Normal equations JᵀJ·δ = −Jᵀr for the two parameters.
        let (mut jaa, mut jab, mut jbb, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&x, &y) in xs.iter().zip(&ys) {
            if x <= 0.0 {
                continue; // f(0) = 1 whatever a, b: no gradient
            }
            let u = x.powf(2.0 * b);
            let denom = 1.0 + a * u;
            let f = 1.0 / denom;
            let r = f - y;
            let da = -u / (denom * denom);
            let db = -a * u * 2.0 * x.ln() / (denom * denom);
            jaa += da * da;
            jab += da * db;
            jbb += db * db;
            ga += da * r;
            gb += db * r;
        }
        let (maa, mbb) = (jaa * (1.0 + damping), jbb * (1.0 + damping));
        let det = maa * mbb - jab * jab;
        if det.abs() < 1e-300 {
            break;
        }
        let step_a = -(mbb * ga - jab * gb) / det;
        let step_b = -(maa * gb - jab * ga) / det;
        let (na, nb) = (a + step_a, b + step_b);
        let trial = if na > 0.0 && nb > 0.0 {
            loss(na, nb)
        } else {
            f64::INFINITY
        };
        if trial < current {
            let improvement = current - trial;
            a = na;
            b = nb;
            current = trial;
            damping = (damping / 10.0).max(1e-12);
            if improvement < 1e-14 {
                break;
            }
        } else {
            damping *= 10.0;
            if damping > 1e12 {
                break;
            }
        }
    }
    (a as f32, b as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_umap_learn_for_the_default_min_dist() {
        // umap-learn 0.5: find_ab_params(spread=1.0, min_dist=0.1) = (1.5769, 0.8951).
        let (a, b) = fit_ab(0.1, 1.0);
        assert!((a - 1.577).abs() < 0.01, "a = {a}");
        assert!((b - 0.895).abs() < 0.01, "b = {b}");
    }

    #[test]
    fn larger_min_dist_flattens_the_curve_near_zero() {
        let (a1, b1) = fit_ab(0.1, 1.0);
        let (a2, b2) = fit_ab(0.5, 1.0);
        let f = |a: f32, b: f32, d: f32| 1.0 / (1.0 + a * d.powf(2.0 * b));
        assert!(f(a2, b2, 0.3) > f(a1, b1, 0.3));
        assert!(b2 > b1);
    }
}
