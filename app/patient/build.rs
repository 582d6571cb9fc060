// This bundle's texts: only the messages its code (or the shared crate's, or the domain's) can show.
include!("../ui/locale_subset.rs");

fn main() {
    write_locale_subset(&["src", "../ui/src", "../../domain/src"]);
}
