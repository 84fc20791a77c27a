"""Chart geometry, worked by hand."""

from fractions import Fraction

from portal.statistics import charts


def test_histogram_bins_of_ten_points_hold_their_lower_bound_and_the_last_holds_100():
    bins = charts.histogram([0, 9.99, 10, 55, Fraction(155, 3), 89.9, 90, 100])
    assert [(b.low, b.high) for b in bins][:2] == [(0, 10), (10, 20)]
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 2, 0, 0, 1, 2]
    assert bins[-1].label == "90–100"


def test_histogram_counts_normalized_scores_just_outside_the_scale_in_the_end_bins():
    assert [b.count for b in charts.histogram([-3.5, 104.2])] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_histogram_of_nothing_is_ten_empty_bins():
    assert [b.count for b in charts.histogram([])] == [0] * 10


def test_scale_is_proportional_and_zero_without_a_maximum():
    assert charts.scale(3, 12, 560) == 140.0
    assert charts.scale(12, 12, 560) == 560.0
    assert charts.scale(0, 0, 560) == 0.0


def test_bar_chart_scales_the_longest_bar_to_the_room_left_for_values():
    chart = charts.bar_chart([("Georgia", 4), ("Türkiye", 1)])
    room = charts.WIDTH - charts.VALUE_ROOM
    assert [(b.label, b.length, b.text) for b in chart.bars] == [
        ("Georgia", room, "4"), ("Türkiye", room / 4, "1")]
    assert [b.label_y for b in chart.bars] == [14, 54]
    assert chart.height == 2 * charts.ROW_HEIGHT


def test_bar_chart_with_totals_draws_the_total_as_a_track_behind_the_value():
    chart = charts.bar_chart([("A", 2, 4), ("B", 0, 2)])
    room = charts.WIDTH - charts.VALUE_ROOM
    assert [(b.length, b.track_length, b.text) for b in chart.bars] == [
        (room / 2, room, "2 / 4"), (0.0, room / 2, "0 / 2")]


def test_column_chart_puts_one_column_per_series_in_each_bin_scaled_to_the_highest():
    raw = charts.histogram([55, 55, 95])
    normalized = charts.histogram([45, 55, 95])
    chart = charts.column_chart([raw, normalized], plot_height=200)
    assert chart.maximum == 2
    fifty = chart.groups[5]
    assert fifty.label == "50–60"
    assert [(c.series, c.count, c.height) for c in fifty.columns] == [(0, 2, 200.0), (1, 1, 100.0)]
    assert fifty.columns[0].y == chart.baseline - 200
    assert fifty.columns[1].x == fifty.columns[0].x + chart.column_width
    assert [c.height for c in chart.groups[0].columns] == [0.0, 0.0]
