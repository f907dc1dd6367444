package dev.booster.engine.trace;

import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.state.ForwardingState;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's trace records, preallocated: the first bytes of each traced packet and the (node, code, detail) steps
 * it went through. Nothing is formatted here; {@link TraceReader} turns finished records into text when read. When
 * the buffer is full, further packets are not traced until it is cleared (as VPP keeps its trace until cleared).
 */
public final class TraceBuffer {
    public static final int MAX_STEPS = 32;
    public static final int HEAD_BYTES = 128;
    private static final VarHandle FLAG = MethodHandles.arrayElementVarHandle(int[].class);

    private final int capacity;
    private final int[] stepNode;
    private final int[] stepCode;
    private final int[] stepDetail;
    private final int[] steps;
    private final int[] rxInterface;
    private final int[] length;
    private final long[] time;
    private final byte[] head;
    private final ForwardingState[] states;
    private final int[] finished;
    private volatile int used;

    public TraceBuffer(int capacity) {
        this.capacity = capacity;
        stepNode = new int[capacity * MAX_STEPS];
        stepCode = new int[capacity * MAX_STEPS];
        stepDetail = new int[capacity * MAX_STEPS];
        steps = new int[capacity];
        rxInterface = new int[capacity];
        length = new int[capacity];
        time = new long[capacity];
        head = new byte[capacity * HEAD_BYTES];
        states = new ForwardingState[capacity];
        finished = new int[capacity];
    }

    /** Opens a record for a received packet; -1 when the buffer is full. */
    public int start(long frame, int frameLength, int iface, long now, ForwardingState state) {
        int record = used;
        if (record == capacity) return -1;
        steps[record] = 0;
        rxInterface[record] = iface;
        length[record] = frameLength;
        time[record] = now;
        states[record] = state;
        MemorySegment.copy(PacketMemory.ALL, ValueLayout.JAVA_BYTE, frame, head, record * HEAD_BYTES, Math.min(frameLength, HEAD_BYTES));
        FLAG.setRelease(finished, record, 0);
        used = record + 1;
        return record;
    }

    public void step(int record, int node, int code, int detail) {
        int n = steps[record];
        if (n == MAX_STEPS) return;
        int at = record * MAX_STEPS + n;
        stepNode[at] = node;
        stepCode[at] = code;
        stepDetail[at] = detail;
        steps[record] = n + 1;
    }

    public void finish(int record) {
        FLAG.setRelease(finished, record, 1);
    }

    /** Forgets all records; only on the worker's thread (the engine asks through the worker). */
    public void reset() {
        for (int r = 0; r < used; r++) states[r] = null;
        used = 0;
    }

    // Read side (any thread): only finished records are consistent.

    public int used() {
        return used;
    }

    public boolean isFinished(int record) {
        return (int) FLAG.getAcquire(finished, record) == 1;
    }

    public int steps(int record) {
        return steps[record];
    }

    public int stepNode(int record, int step) {
        return stepNode[record * MAX_STEPS + step];
    }

    public int stepCode(int record, int step) {
        return stepCode[record * MAX_STEPS + step];
    }

    public int stepDetail(int record, int step) {
        return stepDetail[record * MAX_STEPS + step];
    }

    public int rxInterface(int record) {
        return rxInterface[record];
    }

    public int length(int record) {
        return length[record];
    }

    public long time(int record) {
        return time[record];
    }

    public ForwardingState state(int record) {
        return states[record];
    }

    public byte[] head(int record) {
        int n = Math.min(length[record], HEAD_BYTES);
        return java.util.Arrays.copyOfRange(head, record * HEAD_BYTES, record * HEAD_BYTES + n);
    }
}
