package dev.booster.spi;

/** The superclass {@link HidingClassLoader} hides from {@link OrphanProvider}, as a missing dependency jar would. */
public abstract class OrphanBase {
}
