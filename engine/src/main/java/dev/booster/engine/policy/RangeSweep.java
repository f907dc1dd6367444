package dev.booster.engine.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Turns the spans of many rows into one lookup table over a key space: the space is cut at every span boundary
 * into elementary intervals, and each interval gets the bitset of the rows whose spans cover it. A sweep over the
 * sorted boundaries keeps the bitset of the rows "inside" and snapshots it per interval, so building costs
 * {@code O(boundaries × words)}, not {@code O(rows × intervals)}.
 */
final class RangeSweep {

    /** The intervals' first points in increasing order (the first is {@link Point#ZERO}) and their bitset offsets. */
    record Table(List<Point> starts, int[] bitsets) {
    }

    private record Boundary(Point at, int row, boolean enters) {
    }

    private RangeSweep() {
    }

    /**
     * @param rows       the rows in priority order
     * @param spansOfRow each row's spans in this space, sorted, disjoint and not adjacent ({@link Span#union})
     * @param spaceMax   the last point of the space
     */
    static <R> Table sweep(List<R> rows, Function<R, List<Span>> spansOfRow, Point spaceMax, BitsetPool pool) {
        List<Boundary> boundaries = new ArrayList<>();
        for (int row = 0; row < rows.size(); row++) {
            for (Span s : spansOfRow.apply(rows.get(row))) {
                boundaries.add(new Boundary(s.first(), row, true));
                if (!s.last().equals(spaceMax)) boundaries.add(new Boundary(s.last().nextSaturating(), row, false));
            }
        }
        // Leaving before entering at the same point keeps a row that leaves one span and enters another "inside".
        boundaries.sort(Comparator.comparing(Boundary::at).thenComparing(Boundary::enters));
        long[] inside = new long[pool.words()];
        List<Point> starts = new ArrayList<>();
        List<Integer> bitsets = new ArrayList<>();
        Point at = Point.ZERO;
        int next = 0;
        while (true) {
            while (next < boundaries.size() && boundaries.get(next).at().equals(at)) {
                Boundary b = boundaries.get(next++);
                if (b.enters()) inside[b.row() >>> 6] |= 1L << b.row();
                else inside[b.row() >>> 6] &= ~(1L << b.row());
            }
            int bitset = pool.intern(inside);
            if (bitsets.isEmpty() || bitsets.getLast() != bitset) {
                starts.add(at);
                bitsets.add(bitset);
            }
            if (next == boundaries.size()) break;
            at = boundaries.get(next).at();
        }
        return new Table(List.copyOf(starts), bitsets.stream().mapToInt(Integer::intValue).toArray());
    }
}
