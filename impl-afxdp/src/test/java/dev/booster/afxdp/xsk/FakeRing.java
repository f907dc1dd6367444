package dev.booster.afxdp.xsk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The kernel's side of a ring, played in plain memory: the shared producer/consumer/flags words and the entries,
 * laid out as the kernel maps them, so the Java rings can be driven without a kernel. Indexes start at
 * {@code start} so tests can cross the 2^32 wrap.
 */
final class FakeRing {
    final int size;
    final long entryBytes;
    final MemorySegment producer;
    final MemorySegment consumer;
    final MemorySegment flags;
    final MemorySegment entries;

    FakeRing(Arena arena, int size, long entryBytes, int start) {
        this.size = size;
        this.entryBytes = entryBytes;
        this.producer = arena.allocate(JAVA_INT);
        this.consumer = arena.allocate(JAVA_INT);
        this.flags = arena.allocate(JAVA_INT);
        this.entries = arena.allocate(size * entryBytes, 64);
        producer.set(JAVA_INT, 0, start);
        consumer.set(JAVA_INT, 0, start);
    }

    /** The user-space producer over this ring, initialised as libxdp initialises a fresh one. */
    ProducerRing producerRing() {
        return new ProducerRing(producer, consumer, flags, entries, size, prod(), cons() + size);
    }

    ConsumerRing consumerRing() {
        return new ConsumerRing(producer, consumer, entries, size, prod(), cons());
    }

    int prod() {
        return producer.get(JAVA_INT, 0);
    }

    int cons() {
        return consumer.get(JAVA_INT, 0);
    }

    /** Entries the producer has published and the consumer not yet taken. */
    int filled() {
        return prod() - cons();
    }

    long slotOffset(int index) {
        return (long) (index & (size - 1)) * entryBytes;
    }

    /** Kernel consumes one address entry (fill ring). */
    long takeAddress() {
        int index = cons();
        long value = entries.get(JAVA_LONG, slotOffset(index));
        consumer.set(JAVA_INT, 0, index + 1);
        return value;
    }

    /** Kernel consumes one descriptor (TX ring): {address, length}. */
    long[] takeDescriptor() {
        int index = cons();
        long offset = slotOffset(index);
        long[] desc = {entries.get(JAVA_LONG, offset), entries.get(JAVA_INT, offset + 8)};
        consumer.set(JAVA_INT, 0, index + 1);
        return desc;
    }

    /** Kernel produces one address entry (completion ring). */
    void putAddress(long address) {
        int index = prod();
        entries.set(JAVA_LONG, slotOffset(index), address);
        producer.set(JAVA_INT, 0, index + 1);
    }

    /** Kernel produces one descriptor (RX ring). */
    void putDescriptor(long address, int length) {
        int index = prod();
        long offset = slotOffset(index);
        entries.set(JAVA_LONG, offset, address);
        entries.set(JAVA_INT, offset + 8, length);
        producer.set(JAVA_INT, 0, index + 1);
    }
}
