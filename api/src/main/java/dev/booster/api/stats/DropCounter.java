package dev.booster.api.stats;

/**
 * Packets dropped for one reason. Reasons are stable kebab-case names ({@code no-route}, {@code policy-deny},
 * {@code ttl-expired}, {@code bad-checksum}, {@code truncated}...), listed by each backend.
 */
public record DropCounter(String reason, long packets) {
}
