package dev.booster.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InvalidSpecExceptionTest {

    @Test
    void withinPrependsTheOuterPath() {
        InvalidSpecException inner = new InvalidSpecException("port", "is bad");
        assertEquals("ports[1].port: is bad", inner.within("ports[1]").getMessage());
        assertEquals("spec.ingress[0].ports[1].port", inner.within("ports[1]").within("ingress[0]").within("spec").field());
        assertEquals("items[2].port", new InvalidSpecException("[2].port", "x").within("items").field());
        assertEquals("spec", new InvalidSpecException("", "x").within("spec").field());
        assertEquals("is bad", inner.within("spec").problem());
        assertEquals("whole value is bad", new InvalidSpecException(null, "whole value is bad").getMessage());
    }
}
