package dev.booster.afxdp.port;

import dev.booster.engine.IdleStrategy;
import dev.booster.engine.state.ForwardingState;

/**
 * Never lets the worker give its core up (option {@code afxdp.idle=busy}): it polls its rings all the time, as a DPDK
 * lcore does, so the scheduler never takes the core away in a gap between bursts and the RX rings cannot overflow
 * while the worker waits to run again. For a worker with a core of its own; it costs that whole core when idle.
 */
public final class BusyPollIdle implements IdleStrategy {
    @Override
    public void idle(int idleRounds, ForwardingState state) {
        Thread.onSpinWait();
    }

    @Override
    public void wakeup() {
        // The worker never sleeps: it sees a new state at its next round.
    }
}
