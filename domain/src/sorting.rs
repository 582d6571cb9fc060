//! Stable sorting that puts one copy of the sort algorithm in the app's wasm, not one per call site.
//!
//! `slice::sort_by_key` is generic over its key closure, and every closure is a type of its own: each call site
//! compiles its own copy of the standard library's sort (its smallsort, merge and quicksort parts: some 450 functions
//! and 120 KB before optimisation in the patient bundle, issue #13). These functions sort the list's positions with
//! one comparison behind a `dyn Fn`, so that sort is compiled once, then move the items into that order. Stable, like
//! `sort_by_key`: items with equal keys keep their order.

use std::cmp::Ordering;

/// The positions `0..len` in the order `compare` puts them (stable). Not generic: compiled once.
fn order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..len).collect();
    positions.sort_by(|a, b| compare(*a, *b));
    positions
}

/// Moves the items into the order `positions` gives (`items[i]` becomes the item that was at `positions[i]`), in
/// place, following each cycle of the permutation once.
fn arrange<T>(items: &mut [T], mut positions: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        while positions[at] != DONE {
            let from = positions[at];
            positions[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Sorts `items` by `compare`, stably (like `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let positions = order(items.len(), &|a, b| compare(&items[a], &items[b]));
    arrange(items, positions);
}

/// Sorts `items` by the key `key` gives, stably (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by a key computed once per item, stably (like `slice::sort_by_cached_key`).
pub fn sort_by_cached_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let positions = order(items.len(), &|a, b| keys[a].cmp(&keys[b]));
    arrange(items, positions);
}

/// Sorts `items` in their natural order (like `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_keys_keep_their_order() {
        let mut items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        sort_by_key(&mut items, |(k, _)| *k);
        assert_eq!(items, vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn empty_and_single_lists_stay_as_they_are() {
        let mut none: Vec<u8> = Vec::new();
        sort(&mut none);
        assert!(none.is_empty());
        let mut one = vec![7];
        sort(&mut one);
        assert_eq!(one, vec![7]);
    }

    proptest! {
        #[test]
        fn sorts_like_the_standard_library(items in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut expected = items.clone();
            expected.sort_by_key(|(k, _)| *k);
            let mut by_key = items.clone();
            sort_by_key(&mut by_key, |(k, _)| *k);
            prop_assert_eq!(&by_key, &expected);
            let mut cached = items.clone();
            sort_by_cached_key(&mut cached, |(k, _)| *k);
            prop_assert_eq!(&cached, &expected);
            let mut reversed = items.clone();
            sort_by(&mut reversed, |a, b| b.0.cmp(&a.0));
            let mut expected_reversed = items.clone();
            expected_reversed.sort_by(|a, b| b.0.cmp(&a.0));
            prop_assert_eq!(reversed, expected_reversed);
            let mut natural = items.clone();
            sort(&mut natural);
            let mut expected_natural = items;
            expected_natural.sort();
            prop_assert_eq!(natural, expected_natural);
        }
    }
}
