package dev.booster.spi;

import java.util.List;

/**
 * What {@link Dataplanes#discover(ClassLoader)} found.
 *
 * @param providers the providers that loaded, sorted by name
 * @param skipped   one line per services-file entry that could not be loaded, saying why (a class missing, a
 *                  constructor that threw, a jar the provider needs absent...)
 */
public record Discovery(List<DataplaneProvider> providers, List<String> skipped) {
    public Discovery {
        providers = List.copyOf(providers);
        skipped = List.copyOf(skipped);
    }
}
