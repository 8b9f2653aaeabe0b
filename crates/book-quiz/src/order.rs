//! The order of a question's choices.
//!
//! mdbook-quiz shuffles choices in the browser. Here the order is fixed when
//! the book is built (the build is reproducible), and it depends only on the
//! quiz's id and the question's position, never on the text: the zh and en
//! versions of a question show their right answers in the same positions.

/// A permutation of `0..len`, the same for the same `(quiz_id, index)`.
pub fn permutation(quiz_id: &str, index: usize, len: usize) -> Vec<usize> {
    let mut state = fnv1a(quiz_id.as_bytes()) ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut order: Vec<usize> = (0..len).collect();
    // Fisher-Yates with splitmix64 as the generator.
    for i in (1..len).rev() {
        state = splitmix64(state);
        let j = (state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::permutation;

    #[test]
    fn is_a_permutation_and_stable() {
        for len in 0..8 {
            let mut order = permutation("pause-in-rust", 3, len);
            assert_eq!(order, permutation("pause-in-rust", 3, len));
            order.sort_unstable();
            assert_eq!(order, (0..len).collect::<Vec<_>>());
        }
    }

    #[test]
    fn differs_between_questions() {
        let orders: std::collections::HashSet<_> = (0..6)
            .map(|index| permutation("background", index, 4))
            .collect();
        assert!(orders.len() > 1, "every question got the same order");
    }
}
