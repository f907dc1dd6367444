package dev.booster.engine.policy;

import dev.booster.api.net.IpPrefix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A compile-time interval {@code first..last} (both inclusive) of {@link Point}s, and set operations on sorted lists of them. */
record Span(Point first, Point last) {

    Span {
        if (first.compareTo(last) > 0) throw new IllegalArgumentException("empty span " + first + ".." + last);
    }

    static Span of(Point single) {
        return new Span(single, single);
    }

    static Span ofPorts(int first, int last) {
        return new Span(Point.ofPort(first), Point.ofPort(last));
    }

    static Span of(IpPrefix prefix) {
        Point network = Point.of(prefix.address());
        int hostBits = prefix.address().bitLength() - prefix.length();
        long lowMask = hostBits >= 64 ? -1L : (1L << hostBits) - 1;
        long highMask = hostBits <= 64 ? 0 : hostBits == 128 ? -1L : (1L << (hostBits - 64)) - 1;
        return new Span(network, new Point(network.high() | highMask, network.low() | lowMask));
    }

    /** The sorted, disjoint, non-adjacent union of {@code spans}. */
    static List<Span> union(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparing(Span::first));
        List<Span> merged = new ArrayList<>();
        for (Span s : sorted) {
            if (!merged.isEmpty()) {
                Span last = merged.getLast();
                if (s.first.compareTo(last.last.nextSaturating()) <= 0) {
                    if (s.last.compareTo(last.last) > 0) merged.set(merged.size() - 1, new Span(last.first, s.last));
                    continue;
                }
            }
            merged.add(s);
        }
        return List.copyOf(merged);
    }

    /** {@code whole} without the points of {@code holes}, which must be a result of {@link #union}. */
    static List<Span> minus(Span whole, List<Span> holes) {
        List<Span> result = new ArrayList<>();
        Point cursor = whole.first;
        for (Span hole : holes) {
            if (hole.last.compareTo(cursor) < 0) continue;
            if (hole.first.compareTo(whole.last) > 0) break;
            if (hole.first.compareTo(cursor) > 0) result.add(new Span(cursor, hole.first.previous()));
            if (hole.last.compareTo(whole.last) >= 0) return List.copyOf(result);
            cursor = hole.last.nextSaturating();
        }
        result.add(new Span(cursor, whole.last));
        return List.copyOf(result);
    }

    /** Whether {@code point} lies in one of {@code spans} (sorted and disjoint). */
    static boolean contains(List<Span> spans, Point point) {
        int lo = 0;
        int hi = spans.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Span s = spans.get(mid);
            if (point.compareTo(s.first) < 0) hi = mid - 1;
            else if (point.compareTo(s.last) > 0) lo = mid + 1;
            else return true;
        }
        return false;
    }
}
