//! Screens of the filter language and the column sort: a filter with a parse
//! error (shown in the filter line, the lots keeping the last valid filter),
//! a committed filter, and the lots sorted by a column in each direction.

use crate::support::screens;

use lotwatch::app::Action;
use lotwatch::app::lots::SortKey;
use screens::*;

fn type_filter(app: &mut lotwatch::app::App, text: &str) {
    act(app, Action::StartFilter);
    for c in text.chars() {
        act(app, Action::FilterInput(c));
    }
}

#[test]
fn filter_with_an_error_keeps_the_filter_from_before_slash() {
    let mut app = live(false);
    type_filter(&mut app, "status:open bid>40m closing<1x");
    let err = app.filter_error().expect("1x is not a duration");
    assert_eq!((err.term, err.column), (3, 28));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("✗ term 3 (col 29)"), "{screen}");
    insta::assert_snapshot!("filter_error_120x40", screen);
    // Narrow: the message goes whole over the pane's last row (issue 28.11).
    insta::assert_snapshot!("filter_error_80x24", render(&mut app, 80, 24));
}

/// Issue 28.11: a filter error that the border has no room for beside a
/// long filter is shown whole, not cut at the pane's corner.
#[test]
fn a_filter_error_beside_a_long_filter_is_shown_whole() {
    let mut app = live(false);
    type_filter(
        &mut app,
        "status:open region:aktobe mineral:gold bid>40m start>30m bids>=2 lot:4011 name:сарлы closing<1x",
    );
    assert!(app.filter_error().is_some());
    let screen = render(&mut app, 160, 45);
    assert!(
        screen.contains("\"1x\" is not a duration (expected e.g. 90s, 10m, 1h30m)"),
        "{screen}"
    );
}

#[test]
fn committed_filter_with_time_and_money_terms() {
    let mut app = live(false);
    type_filter(&mut app, "-status:cancelled bid>=20m closing<30m");
    act(&mut app, Action::FilterCommit);
    insta::assert_snapshot!("filter_committed_120x40", render(&mut app, 120, 40));
}

#[test]
fn sorted_by_region_then_reversed() {
    let mut app = live(false);
    act(&mut app, Action::SortBy(SortKey::Region));
    let screen = render(&mut app, 200, 50);
    assert!(screen.contains("Region▲"), "{screen}");
    insta::assert_snapshot!("sorted_region_asc_200x50", screen);
    act(&mut app, Action::SortBy(SortKey::Region));
    let screen = render(&mut app, 200, 50);
    assert!(screen.contains("Region▼"), "{screen}");
    insta::assert_snapshot!("sorted_region_desc_200x50", screen);
}

#[test]
fn header_columns_map_to_their_sort_keys() {
    // What a header click at each x would sort by, on a 198-wide lots pane.
    let keys: Vec<Option<SortKey>> = (0..198)
        .map(|x| lotwatch::ui::sort_key_at(198, true, lotwatch::ui::i18n::Lang::En, x))
        .collect();
    assert_eq!(keys[0], None, "the mark column");
    for k in SortKey::ALL {
        if k != SortKey::Extensions {
            assert!(keys.contains(&Some(k)), "{k:?} has a column");
        }
    }
    // the gap between two columns is no column
    let gap = keys
        .windows(3)
        .any(|w| w[1].is_none() && w[0].is_some() && w[2].is_some());
    assert!(gap);
}

#[test]
fn a_long_filter_shows_its_end_and_the_cursor() {
    let mut app = live(false);
    let text = "status:open,suspended,scheduled mineral:gold,copper,coal region:\"North Kazakhstan\" bid>=1k";
    type_filter(&mut app, text);
    assert_eq!(app.filter_error(), None);
    let screen = render(&mut app, 80, 24);
    let line = screen
        .lines()
        .find(|l| l.contains("filter /"))
        .expect("the filter line");
    assert!(line.contains("…") && line.contains("bid>=1k█"), "{line}");
}

#[test]
fn every_sorted_column_shows_its_arrow_at_every_width() {
    use lotwatch::app::lots::SortKey;
    let mut app = live(false);
    for key in SortKey::SCREEN_ORDER {
        act(&mut app, Action::SortBy(key));
        // The money and count columns at every width; all of them where
        // every column has room.
        let sizes: &[(u16, u16)] = match key {
            SortKey::HighBid | SortKey::NextMin | SortKey::Bids => {
                &[(120, 40), (160, 45), (200, 50)]
            }
            _ => &[(200, 50)],
        };
        for &(w, h) in sizes {
            let screen = render(&mut app, w, h);
            let header = screen
                .lines()
                .find(|l| l.contains("No."))
                .unwrap_or_default()
                .to_string();
            assert!(
                header.contains('▲') || header.contains('▼'),
                "{key:?} at {w}x{h}: {header}"
            );
        }
    }
}
