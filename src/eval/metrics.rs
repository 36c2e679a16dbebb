//! Agreement statistics between predicted and human scores.

pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Ranks with ties given their average rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

pub fn rmse(x: &[f64], y: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

/// Quadratic weighted kappa over integer grades 0..=k.
pub fn qwk(pred: &[usize], truth: &[usize], k: usize) -> f64 {
    let n = k + 1;
    let mut obs = vec![vec![0.0; n]; n];
    for (&p, &t) in pred.iter().zip(truth) {
        obs[t.min(k)][p.min(k)] += 1.0;
    }
    let total = pred.len() as f64;
    if total == 0.0 {
        return 0.0;
    }
    let row: Vec<f64> = (0..n).map(|i| obs[i].iter().sum()).collect();
    let col: Vec<f64> = (0..n).map(|j| (0..n).map(|i| obs[i][j]).sum()).collect();
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..n {
        for j in 0..n {
            let w = ((i as f64 - j as f64) / (n.max(2) - 1) as f64).powi(2);
            num += w * obs[i][j];
            den += w * row[i] * col[j] / total;
        }
    }
    if den == 0.0 {
        1.0
    } else {
        1.0 - num / den
    }
}

/// Macro-averaged F1 of two-class labels.
pub fn macro_f1(pred: &[bool], truth: &[bool]) -> f64 {
    let f1 = |cls: bool| {
        let tp = pred.iter().zip(truth).filter(|(p, t)| **p == cls && **t == cls).count() as f64;
        let fp = pred.iter().zip(truth).filter(|(p, t)| **p == cls && **t != cls).count() as f64;
        let fnn = pred.iter().zip(truth).filter(|(p, t)| **p != cls && **t == cls).count() as f64;
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fnn)
        }
    };
    (f1(true) + f1(false)) / 2.0
}

/// Within each group, the share of pairs with different human grades that the
/// predictions order the same way (ties in prediction count half).
pub fn pairwise_accuracy(groups: &[usize], pred: &[f64], truth: &[f64]) -> f64 {
    let (mut good, mut total) = (0.0, 0.0);
    for i in 0..pred.len() {
        for j in i + 1..pred.len() {
            if groups[i] != groups[j] || truth[i] == truth[j] {
                continue;
            }
            total += 1.0;
            let agree = (pred[i] - pred[j]) * (truth[i] - truth[j]);
            if agree > 0.0 {
                good += 1.0;
            } else if agree == 0.0 {
                good += 0.5;
            }
        }
    }
    if total == 0.0 {
        1.0
    } else {
        good / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&x, &[2.0, 4.0, 6.0, 8.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[1.0, 4.0, 9.0, 16.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 30.0]), vec![1.0, 2.5, 2.5, 4.0]);
        assert!((rmse(&[0.0, 0.0], &[3.0, 4.0]) - (12.5f64).sqrt()).abs() < 1e-12);
        assert!((qwk(&[0, 1, 2], &[0, 1, 2], 2) - 1.0).abs() < 1e-12);
        assert!(qwk(&[2, 1, 0], &[0, 1, 2], 2) < 0.0);
        assert!((macro_f1(&[true, false, true, false], &[true, false, false, true]) - 0.5).abs() < 1e-12);
        assert_eq!(pairwise_accuracy(&[0, 0, 1, 1], &[1.0, 2.0, 5.0, 1.0], &[1.0, 2.0, 1.0, 2.0]), 0.5);
    }
}
