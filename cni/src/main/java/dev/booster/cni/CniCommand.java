package dev.booster.cni;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The operations of the CNI protocol ({@code CNI_COMMAND}). */
public enum CniCommand {
    ADD, DEL, CHECK, VERSION, STATUS, GC;

    /**
     * The command named {@code text}, exactly as the spec spells it.
     *
     * @throws CniException code 4 naming {@code CNI_COMMAND} when it is missing or unknown
     */
    public static CniCommand parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new CniException(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND is not set",
                    "set CNI_COMMAND to one of " + names());
        }
        for (CniCommand c : values()) {
            if (c.name().equals(text)) return c;
        }
        throw new CniException(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND \"" + text + "\" is not a CNI command",
                "use one of " + names());
    }

    /** True for the commands that act on one attachment and so need CNI_CONTAINERID and CNI_IFNAME. */
    public boolean isAttachmentCommand() {
        return this == ADD || this == DEL || this == CHECK;
    }

    private static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
