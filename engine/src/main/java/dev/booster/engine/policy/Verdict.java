package dev.booster.engine.policy;

/**
 * A classifier result packed into an int so the packet path stays allocation-free: bit 31 set means deny, the
 * low 31 bits are the id of the deciding rule ({@link CompiledPolicy#rule(int)}).
 */
public final class Verdict {
    private static final int DENY_BIT = 0x8000_0000;

    private Verdict() {
    }

    public static int allow(int ruleId) {
        return ruleId;
    }

    public static int deny(int ruleId) {
        return ruleId | DENY_BIT;
    }

    public static boolean isAllow(int verdict) {
        return verdict >= 0;
    }

    public static int ruleId(int verdict) {
        return verdict & ~DENY_BIT;
    }
}
