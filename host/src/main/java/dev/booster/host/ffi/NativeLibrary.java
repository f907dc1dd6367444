package dev.booster.host.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The one place a shared library is loaded. Loading happens on first use and is remembered either way: a missing
 * library becomes a {@link NativeLibraryUnavailableException} that names the Debian package to install, on every
 * call, rather than a class-initialisation error that hides the reason after the first time.
 */
@SuppressWarnings("restricted") // loading libraries and linking to them is what this class is for
public final class NativeLibrary {
    private final String soname;
    private final String debianPackage;
    private final String neededFor;
    private SymbolLookup lookup;
    private NativeLibraryUnavailableException failure;

    /** {@code neededFor} says in a few words what the library is for, for the error message. */
    public NativeLibrary(String soname, String debianPackage, String neededFor) {
        this.soname = soname;
        this.debianPackage = debianPackage;
        this.neededFor = neededFor;
    }

    public String soname() {
        return soname;
    }

    /** Loads the library once (into the global arena: it stays loaded for the life of the JVM). */
    public synchronized SymbolLookup lookup() {
        if (lookup == null && failure == null) {
            try {
                lookup = SymbolLookup.libraryLookup(soname, Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException e) {
                failure = new NativeLibraryUnavailableException(soname + " could not be loaded (" + neededFor
                        + "): install the Debian package " + debianPackage + " (apt-get install " + debianPackage
                        + "); the loader said: " + e.getMessage(), e);
            }
        }
        if (failure != null) {
            throw new NativeLibraryUnavailableException(failure.getMessage(), failure);
        }
        return lookup;
    }

    /** Empty when the library loads; otherwise why not and how to fix it. Never throws. */
    public Optional<String> unavailableReason() {
        try {
            lookup();
            return Optional.empty();
        } catch (NativeLibraryUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** A downcall handle for {@code symbol}; a missing symbol means the installed library is too old. */
    public MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        return lookup().find(symbol)
                .map(address -> Linker.nativeLinker().downcallHandle(address, descriptor, options))
                .orElseThrow(() -> new NativeLibraryUnavailableException(soname + " has no symbol " + symbol
                        + ": the installed " + debianPackage + " is too old; upgrade it (apt-get install "
                        + debianPackage + ")", null));
    }
}
