package dev.booster.vpp.api;

import java.util.List;
import java.util.Optional;

/**
 * The running VPP's API differs from the one Booster was generated from in messages Booster needs: each is listed
 * with both CRCs. Thrown by {@link VppApiClient#connect}, which then has closed the connection.
 */
public final class VppVersionSkewException extends VppApiException {

    private final List<MessageMismatch> mismatches;

    public VppVersionSkewException(List<MessageMismatch> mismatches, Optional<String> vppVersion,
                                   String boosterApiVersion) {
        super(message(mismatches, vppVersion, boosterApiVersion));
        this.mismatches = List.copyOf(mismatches);
    }

    public List<MessageMismatch> mismatches() {
        return mismatches;
    }

    private static String message(List<MessageMismatch> mismatches, Optional<String> vppVersion,
                                  String boosterApiVersion) {
        StringBuilder text = new StringBuilder("VPP ").append(vppVersion.orElse("(version unknown)"))
                .append(" does not match the VPP API Booster was built for (").append(boosterApiVersion)
                .append(") in ").append(mismatches.size()).append(mismatches.size() == 1 ? " message" : " messages")
                .append(" Booster needs:");
        for (MessageMismatch mismatch : mismatches) {
            text.append("\n  ").append(mismatch);
        }
        return text.append("\nRun the VPP release Booster was built for, load the missing plugins, or rebuild"
                + " Booster's impl-vpp with this VPP's .api.json (see impl-vpp/README.md).").toString();
    }
}
