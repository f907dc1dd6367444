package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;

import java.util.List;

/** A CIDR peer with exceptions ({@code except} must lie inside {@code cidr}). */
public record IpBlock(IpPrefix cidr, @JsonProperty("except") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IpPrefix> exceptions) {

    public IpBlock {
        if (cidr == null) throw new InvalidSpecException("cidr", "is required, e.g. 10.0.0.0/8");
        exceptions = exceptions == null ? List.of() : List.copyOf(exceptions);
        for (int i = 0; i < exceptions.size(); i++) {
            IpPrefix e = exceptions.get(i);
            if (e.family() != cidr.family() || !cidr.contains(e) || e.length() == cidr.length()) {
                throw new InvalidSpecException("except[" + i + "]", e + " must be a strict subnet of cidr " + cidr);
            }
        }
    }

    public static IpBlock of(String cidr, String... except) {
        return new IpBlock(IpPrefix.parse(cidr), java.util.Arrays.stream(except).map(IpPrefix::parse).toList());
    }

    public boolean contains(IpAddress address) {
        if (!cidr.contains(address)) return false;
        for (IpPrefix e : exceptions) {
            if (e.contains(address)) return false;
        }
        return true;
    }
}
