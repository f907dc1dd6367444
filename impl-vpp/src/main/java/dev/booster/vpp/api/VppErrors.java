package dev.booster.vpp.api;

import java.util.Map;

/**
 * Names of the {@code vnet_api_error_t} values Booster's requests meet most ({@code src/vnet/api_errno.h}; VPP never
 * renumbers them), so an error says more than a number. Plugins define their own codes: those stay numbers.
 */
public final class VppErrors {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(-1, "UNSPECIFIED"),
            Map.entry(-2, "INVALID_SW_IF_INDEX"),
            Map.entry(-3, "NO_SUCH_FIB"),
            Map.entry(-6, "NO_SUCH_ENTRY"),
            Map.entry(-7, "INVALID_VALUE"),
            Map.entry(-8, "INVALID_VALUE_2"),
            Map.entry(-9, "UNIMPLEMENTED"),
            Map.entry(-10, "INVALID_SW_IF_INDEX_2"),
            Map.entry(-11, "SYSCALL_ERROR_1: a system call failed (e.g. opening /dev/vhost-net for a tap)"),
            Map.entry(-12, "SYSCALL_ERROR_2"),
            Map.entry(-13, "SYSCALL_ERROR_3"),
            Map.entry(-30, "FEATURE_DISABLED"),
            Map.entry(-50, "NEXT_HOP_NOT_IN_FIB"),
            Map.entry(-52, "NO_PATHS_IN_ROUTE"),
            Map.entry(-59, "ADDRESS_LENGTH_MISMATCH"),
            Map.entry(-60, "ADDRESS_NOT_FOUND_FOR_INTERFACE"),
            Map.entry(-71, "INVALID_INTERFACE"),
            Map.entry(-73, "INVALID_ARGUMENT"),
            Map.entry(-75, "TUNNEL_EXIST"),
            Map.entry(-79, "IF_ALREADY_EXISTS"),
            Map.entry(-81, "VALUE_EXIST"),
            Map.entry(-85, "NOT_RUNNING_AS_ROOT"),
            Map.entry(-97, "INVALID_ADDRESS_FAMILY"),
            Map.entry(-105, "ADDRESS_IN_USE"),
            Map.entry(-116, "ENTRY_ALREADY_EXISTS"),
            Map.entry(-126, "UNSUPPORTED"),
            Map.entry(-127, "DUPLICATE_IF_ADDRESS"),
            Map.entry(-142, "ACL_IN_USE_INBOUND"),
            Map.entry(-143, "ACL_IN_USE_OUTBOUND"));

    private VppErrors() {
    }

    /** E.g. {@code VNET_API_ERROR_INVALID_SW_IF_INDEX}, or "no name known" for codes not listed. */
    public static String describe(int retval) {
        String name = NAMES.get(retval);
        return name == null ? "no name known to Booster; see VPP's api_errno.h or the plugin's" : "VNET_API_ERROR_" + name;
    }
}
