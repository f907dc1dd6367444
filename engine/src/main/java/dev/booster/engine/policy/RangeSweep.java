package dev.booster.engine.policy;

import java.util.ArrayList;
import java.util.Arrays;
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
        if (spaceMax.equals(Point.MAX_32)) return sweep32(rows, spansOfRow, pool);
        List<Boundary> boundaries = new ArrayList<>();
        for (int row = 0; row < rows.size(); row++) {
            for (Span s : spansOfRow.apply(rows.get(row))) {
                boundaries.add(new Boundary(s.first(), row, true));
                if (!s.last().equals(spaceMax)) boundaries.add(new Boundary(s.last().nextSaturating(), row, false));
            }
        }
        boundaries.sort(BOUNDARY_ORDER);
        long[] inside = new long[pool.words()];
        List<Point> starts = new ArrayList<>();
        IntList bitsets = new IntList();
        Point at = Point.ZERO;
        int next = 0;
        while (true) {
            while (next < boundaries.size() && boundaries.get(next).at().equals(at)) {
                Boundary b = boundaries.get(next++);
                if (b.enters()) inside[b.row() >>> 6] |= 1L << b.row();
                else inside[b.row() >>> 6] &= ~(1L << b.row());
            }
            int bitset = pool.intern(inside);
            if (bitsets.isEmpty() || bitsets.last() != bitset) {
                starts.add(at);
                bitsets.add(bitset);
            }
            if (next == boundaries.size()) break;
            at = boundaries.get(next).at();
        }
        return new Table(List.copyOf(starts), bitsets.toArray());
    }

    /**
     * The same sweep for 32-bit spaces (IPv4, ports), where most of the work is: a boundary is one long, {@code point
     * << 32 | enters << 31 | row}, so sorting is a primitive sort (leaving before entering at the same point, as
     * above) instead of an object sort with a comparator; the profile of compiling 10,000 rules was a third sorting.
     */
    private static <R> Table sweep32(List<R> rows, Function<R, List<Span>> spansOfRow, BitsetPool pool) {
        long[] boundaries = new long[16];
        int count = 0;
        for (int row = 0; row < rows.size(); row++) {
            for (Span s : spansOfRow.apply(rows.get(row))) {
                if (count + 2 > boundaries.length) boundaries = Arrays.copyOf(boundaries, boundaries.length * 2);
                boundaries[count++] = boundary(s.first().low(), true, row);
                if (s.last().low() != 0xffff_ffffL) boundaries[count++] = boundary(s.last().low() + 1, false, row);
            }
        }
        // Keys are unsigned; flipping the sign bit makes the signed sort order them so.
        for (int i = 0; i < count; i++) boundaries[i] ^= Long.MIN_VALUE;
        Arrays.sort(boundaries, 0, count);
        for (int i = 0; i < count; i++) boundaries[i] ^= Long.MIN_VALUE;
        long[] inside = new long[pool.words()];
        List<Point> starts = new ArrayList<>();
        IntList bitsets = new IntList();
        long at = 0;
        int next = 0;
        while (true) {
            while (next < count && boundaries[next] >>> 32 == at) {
                long b = boundaries[next++];
                int row = (int) b & Integer.MAX_VALUE;
                if ((b & ENTERS) != 0) inside[row >>> 6] |= 1L << row;
                else inside[row >>> 6] &= ~(1L << row);
            }
            int bitset = pool.intern(inside);
            if (bitsets.isEmpty() || bitsets.last() != bitset) {
                starts.add(new Point(0, at));
                bitsets.add(bitset);
            }
            if (next == count) break;
            at = boundaries[next] >>> 32;
        }
        return new Table(List.copyOf(starts), bitsets.toArray());
    }

    private static final long ENTERS = 1L << 31;

    private static long boundary(long point, boolean enters, int row) {
        return point << 32 | (enters ? ENTERS : 0) | row;
    }

    /** Leaving before entering at the same point keeps a row that leaves one span and enters another "inside". */
    private static final Comparator<Boundary> BOUNDARY_ORDER = (a, b) -> {
        int c = a.at().compareTo(b.at());
        return c != 0 ? c : Boolean.compare(a.enters(), b.enters());
    };

    /** A growable int list without boxing. */
    private static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = value;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int last() {
            return values[size - 1];
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
